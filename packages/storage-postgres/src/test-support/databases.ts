/*
 * Test back ends: one PGlite instance or pg pool per test file, and a fresh schema (random
 * suffix) per storage, dropped afterwards, so runs and files never collide.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import type { ProbeTable, StorageProbe } from '@syncbridge/testing';
import pg from 'pg';
import { quoteIdent } from '../migrations/migrations.js';

/** The real server, when the run asks for it. Set and unreachable must fail the run, so nothing here swallows errors. */
export const DATABASE_URL = process.env.DATABASE_URL;

/** A database handle for tests, with raw SQL that bypasses the adapter. */
export interface TestDatabase {
  readonly kind: 'pg' | 'pglite';
  readonly connection: { pool: pg.Pool } | { pglite: PGlite };
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs a multi-statement script, as a host's migration tool would. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPglite(): Promise<TestDatabase> {
  const pglite = await PGlite.create();
  return {
    kind: 'pglite',
    connection: { pglite },
    sql: async (text, params) => (await pglite.query(text, params)).rows as never,
    exec: async (script) => void (await pglite.exec(script)),
    close: () => pglite.close(),
  };
}

export function openPostgres(url: string, max = 10): TestDatabase & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max });
  return {
    kind: 'pg',
    pool,
    connection: { pool },
    sql: async (text, params) => (await pool.query(text, params)).rows,
    exec: async (script) => void (await pool.query(script)),
    close: () => pool.end(),
  };
}

/** A schema name no other test or run uses. */
export const freshSchema = (prefix = 'sbt') => `${prefix}_${randomBytes(6).toString('hex')}`;

export async function dropSchema(db: TestDatabase, schema: string): Promise<void> {
  await db.sql(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;

/** The contract suite's independent reads: plain `SELECT count(*)` on the tables, no adapter code. */
export function sqlProbe(db: TestDatabase, schema: string): StorageProbe {
  return {
    async count(table: ProbeTable, where = {}) {
      const params: unknown[] = [];
      const conditions = Object.entries(where).map(([column, value]) => {
        if (!COLUMN.test(column)) throw new Error(`probe: bad column name ${column}`);
        if (value === null) return `${column} IS NULL`;
        params.push(value);
        return `${column} = $${params.length}`;
      });
      const rows = await db.sql<{ n: number }>(
        `SELECT count(*)::integer AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)}${
          conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
        }`,
        params,
      );
      return Number(rows[0]!.n);
    },
  };
}

/** The back ends every behaviour test runs on: PGlite always, the real server when DATABASE_URL is set. */
export function backends(): { name: 'pglite' | 'postgres'; open: () => Promise<TestDatabase> }[] {
  const url = DATABASE_URL;
  return [
    { name: 'pglite', open: openPglite },
    ...(url ? [{ name: 'postgres' as const, open: async () => openPostgres(url) }] : []),
  ];
}

import {
  type Connector,
  type ConnectorContext,
  isAuthError,
  isConflictError,
  isNotFoundError,
  isProviderError,
  isRateLimitError,
  isSyncBridgeError,
  isValidationError,
  type WebhookRequest,
} from '@syncbridge/core';
import { beforeEach, describe, expect, it } from 'vitest';

/** Failures a connector must map to core's typed errors. */
export type InjectedFailure = 'unauthorized' | 'not_found' | 'rate_limit' | 'server' | 'validation';

/**
 * How the suite drives a connector's fake provider. Every real connector ships one for its
 * fake; the generic fake connector has one too (`fakeConnectorDriver`).
 */
export interface ConnectorFakeDriver {
  /** A fresh, empty provider account (called before each case). */
  reset(): Promise<void> | void;
  /** Creates `count` records as a provider user would, before any sync; returns their ids. */
  seed(entity: string, count: number): Promise<string[]> | string[];
  /** Changes one record as a provider user would (after the connector's cursor). */
  edit(entity: string, id: string): Promise<void> | void;
  /** Deletes (or deactivates) one record as a provider user would. */
  remove(entity: string, id: string): Promise<void> | void;
  /** A payload the connector's `create` accepts, and a sparse change its `update` accepts. */
  sample(entity: string): { create: Record<string, unknown>; update: Record<string, unknown> };
  /** The provider's next request fails this way (enough times to outlast the client's retries). */
  failNext(kind: InjectedFailure): void;
  /** A signed webhook delivery announcing a change to `id`, with its secret. */
  webhook?(
    entity: string,
    id: string,
  ): Promise<{ request: WebhookRequest; secret: string }> | { request: WebhookRequest; secret: string };
  /** Moves the provider's clock, where the fake has one. */
  advance?(ms: number): void;
}

export interface ConnectorSuiteOptions {
  name: string;
  connector: Connector;
  /** An authenticated context against the fake (an HTTP client with retries off keeps error cases fast). */
  context: () => Promise<ConnectorContext> | ConnectorContext;
  driver: ConnectorFakeDriver;
  /** The entity the cases exercise. */
  entity: string;
  /** Records to seed for the paging case; pick more than one page. Default 120. */
  pageCount?: number;
  /** Case names to switch off, each with its reason. */
  skip?: Readonly<Record<string, string>>;
}

async function collect<T>(iterable: AsyncIterable<{ records: readonly T[] }>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of iterable) out.push(...page.records);
  return out;
}

async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * The contract every connector passes against its fake: paging to the end, an incremental
 * cursor that picks up only changes, get/create/update/delete round trips, visible deletes,
 * error mapping to typed errors, and webhook verification and parsing.
 *
 * ```ts
 * runConnectorSuite({ name: 'stripe', connector: stripe(), context, driver: stripeDriver(fake), entity: 'customer' });
 * ```
 */
export function runConnectorSuite(options: ConnectorSuiteOptions): void {
  const { connector, driver, entity: name } = options;
  const entity = connector.entities[name];
  const capabilities = connector.capabilities.entities[name];
  const test = (title: string, fn: () => Promise<void>, timeoutMs?: number) => {
    const reason = options.skip?.[title];
    // A case a connector cannot support is switched off by name, with its reason shown in the
    // title and reported as skipped, never as passed.
    if (reason !== undefined) it.skip(`${title} (switched off: ${reason})`, fn);
    else it(title, fn, timeoutMs);
  };

  describe(`Connector contract: ${options.name} ${name}`, () => {
    let ctx: ConnectorContext;
    beforeEach(async () => {
      await driver.reset();
      ctx = await options.context();
    });

    it('declares the entity with a schema, id, updatedAt and list', () => {
      expect(entity, `connector has no entity "${name}"`).toBeDefined();
      expect(capabilities?.inbound).toBe(true);
    });

    test('pages through every record to the end, each once, each valid', async () => {
      const ids = await driver.seed(name, options.pageCount ?? 120);
      const records = await collect(entity!.list(ctx, { cursor: null, since: null, filter: null }));
      const listed = records.map((r) => entity!.id(r));
      expect(new Set(listed).size).toBe(listed.length);
      expect([...listed].sort()).toEqual(expect.arrayContaining([...ids].sort()));
      for (const r of records) expect(entity!.schema.safeParse(r).success).toBe(true);
    }, 60_000);

    test('resumes a list from a page cursor without repeating records', async () => {
      await driver.seed(name, options.pageCount ?? 120);
      const iterator = entity!.list(ctx, { cursor: null, since: null, filter: null })[Symbol.asyncIterator]();
      const first = await iterator.next();
      await iterator.return?.();
      expect(first.done).toBe(false);
      const cursor = first.value!.cursor;
      if (cursor === null) return; // one page held everything
      const rest = await collect(entity!.list(ctx, { cursor, since: null, filter: null }));
      const firstIds = new Set(first.value!.records.map((r: unknown) => entity!.id(r)));
      expect(rest.some((r) => firstIds.has(entity!.id(r)))).toBe(false);
    }, 60_000);

    test('picks up only changed records through its incremental cursor', async () => {
      const ids = await driver.seed(name, 5);
      if (connector.changes) {
        let cursor: string | null = null;
        for await (const page of connector.changes(ctx, { cursor: null, entities: [name] }))
          cursor = page.cursor;
        driver.advance?.(1000);
        await driver.edit(name, ids[2]!);
        const changed: string[] = [];
        for await (const page of connector.changes(ctx, { cursor, entities: [name] })) {
          changed.push(...page.changes.filter((c) => c.entity === name).map((c) => c.id));
        }
        expect(new Set(changed)).toEqual(new Set([ids[2]]));
      } else {
        const mark = await collect(entity!.list(ctx, { cursor: null, since: null, filter: null }));
        const newest = Math.max(...mark.map((r) => entity!.updatedAt(r)?.getTime() ?? 0));
        driver.advance?.(120_000);
        await driver.edit(name, ids[2]!);
        const changed = await collect(
          entity!.list(ctx, { cursor: null, since: new Date(newest + 1), filter: null }),
        );
        expect(changed.map((r) => entity!.id(r))).toEqual([ids[2]]);
      }
    });

    test('reads one record by id, and several in one call', async () => {
      const ids = await driver.seed(name, 3);
      if (entity!.get) {
        const one = await entity!.get(ctx, ids[0]!);
        expect(one && entity!.id(one)).toBe(ids[0]);
      }
      if (entity!.getMany) {
        const many = await entity!.getMany(ctx, [ids[1]!, ids[2]!]);
        expect(many.map((r) => entity!.id(r)).sort()).toEqual([ids[1], ids[2]].sort());
      }
    });

    test('creates, updates and deletes a record, each visible afterwards', async () => {
      if (!entity!.create) return;
      const sample = driver.sample(name);
      const key = `suite-${Date.now()}`;
      const created = await entity!.create(ctx, sample.create, { idempotencyKey: key });
      const id = entity!.id(created);
      // The same idempotency key replays the first create instead of making a second record.
      const again = await entity!.create(ctx, sample.create, { idempotencyKey: key });
      expect(entity!.id(again)).toBe(id);
      if (entity!.update) {
        const updated = await entity!.update(ctx, id, sample.update, {
          idempotencyKey: `${key}-u`,
          version: entity!.version?.(created),
        });
        expect(entity!.id(updated)).toBe(id);
        const fresh = entity!.get ? await entity!.get(ctx, id) : updated;
        for (const [field, value] of Object.entries(sample.update))
          expect((fresh as Record<string, unknown>)[field]).toEqual(value);
      }
      if (entity!.delete && capabilities?.delete !== 'none') {
        const current = entity!.get ? await entity!.get(ctx, id) : null;
        await entity!.delete(ctx, id, {
          idempotencyKey: `${key}-d`,
          version: current ? entity!.version?.(current) : undefined,
        });
        if (entity!.get && capabilities?.delete === 'delete') {
          const gone = await entity!.get(ctx, id);
          expect(gone === null || entity!.isDeleted?.(gone) === true).toBe(true);
        }
      }
    });

    test('makes provider deletions visible to a sync', async () => {
      const ids = await driver.seed(name, 3);
      let cursor: string | null = null;
      if (connector.changes)
        for await (const page of connector.changes(ctx, { cursor: null, entities: [name] }))
          cursor = page.cursor;
      driver.advance?.(1000);
      await driver.remove(name, ids[0]!);
      if (connector.changes) {
        const changes = [];
        for await (const page of connector.changes(ctx, { cursor, entities: [name] }))
          changes.push(...page.changes);
        const mine = changes.filter((c) => c.id === ids[0]);
        expect(mine.length).toBeGreaterThan(0);
        const last = mine.at(-1)!;
        const deleted =
          last.type === 'delete' || (last.record !== undefined && entity!.isDeleted?.(last.record) === true);
        const inactive = capabilities?.delete === 'deactivate';
        expect(deleted || inactive).toBe(true);
      } else {
        const listed = (await collect(entity!.list(ctx, { cursor: null, since: null, filter: null }))).map(
          (r) => entity!.id(r),
        );
        expect(listed).not.toContain(ids[0]);
      }
    });

    describe('error mapping', () => {
      test('answers null for a record the provider does not have (get), or NotFoundError', async () => {
        const [id] = await driver.seed(name, 1);
        driver.failNext('not_found');
        if (entity!.get) {
          // The contract of get: null for a missing record; a NotFoundError is accepted too.
          const outcome = await entity!.get(ctx, id!).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) expect(isNotFoundError(outcome.error), String(outcome.error)).toBe(true);
          else expect(outcome.value).toBeNull();
        } else {
          const error = await failure(() =>
            collect(entity!.list(ctx, { cursor: null, since: null, filter: null })),
          );
          expect(isNotFoundError(error), String(error)).toBe(true);
        }
      });
      const cases: [InjectedFailure, (e: unknown) => boolean][] = [
        ['unauthorized', isAuthError],
        [
          'rate_limit',
          (e) => isRateLimitError(e) && typeof (e as { retryAfterMs?: number }).retryAfterMs === 'number',
        ],
        ['server', (e) => isProviderError(e) && (e as { retryable: boolean }).retryable],
        [
          'validation',
          (e) =>
            isValidationError(e) || (isProviderError(e) && ((e as { status?: number }).status ?? 0) >= 400),
        ],
      ];
      for (const [kind, check] of cases) {
        test(`maps a ${kind} failure to its typed error`, async () => {
          const [id] = await driver.seed(name, 1);
          driver.failNext(kind);
          const error = entity!.get
            ? await failure(() => entity!.get!(ctx, id!))
            : await failure(() => collect(entity!.list(ctx, { cursor: null, since: null, filter: null })));
          expect(isSyncBridgeError(error), String(error)).toBe(true);
          expect(check(error), `${(error as Error).name}: ${(error as Error).message}`).toBe(true);
        });
      }
      test('maps a stale version on update to ConflictError STALE_VERSION', async () => {
        if (!entity!.update || !entity!.version) return;
        const [id] = await driver.seed(name, 1);
        const current = entity!.get ? await entity!.get(ctx, id!) : null;
        const version = current ? entity!.version(current) : undefined;
        await driver.edit(name, id!);
        const error = await failure(() =>
          entity!.update!(ctx, id!, driver.sample(name).update, { idempotencyKey: 'stale-1', version }),
        );
        if (version === undefined) return;
        expect(
          isConflictError(error) && (error as { code: string }).code === 'STALE_VERSION',
          String(error),
        ).toBe(true);
      });
    });

    test('verifies webhook signatures and parses deliveries', async () => {
      if (!connector.webhooks || !driver.webhook) return;
      const [id] = await driver.seed(name, 1);
      const { request, secret } = await driver.webhook(name, id!);
      const now = new Date();
      expect(await connector.webhooks.verify(request, secret, now)).toBe(true);
      expect(await connector.webhooks.verify(request, `${secret}x`, now)).toBe(false);
      expect(await connector.webhooks.verify({ ...request, body: `${request.body} ` }, secret, now)).toBe(
        false,
      );
      const events = connector.webhooks.parse(request);
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => typeof e.eventId === 'string' && e.eventId.length > 0)).toBe(true);
      expect(events.flatMap((e) => e.changes).some((c) => c.entity === name && c.id === id)).toBe(true);
    });
  });
}

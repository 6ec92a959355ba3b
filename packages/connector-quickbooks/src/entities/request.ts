import { createHash } from 'node:crypto';
import {
  ConfigError,
  type ConnectorContext,
  type HttpRequest,
  type HttpResponse,
  type JsonObject,
  parseWith,
} from '@syncbridge/core';
import type { z } from 'zod';

/** Minor version pinned on every request (1–74 were discontinued in August 2025). */
export const DEFAULT_MINOR_VERSION = 75;

/** The realm (company) id an integration was connected to, from its config. */
export function realmOf(ctx: ConnectorContext): string {
  const realmId = ctx.integration.config.realmId;
  if (typeof realmId !== 'string' || !/^\d+$/.test(realmId))
    throw new ConfigError(
      `QuickBooks integration ${ctx.integration.id} has no realmId in its config; reconnect it so the OAuth callback stores realmId.`,
      { problems: ['config.realmId: missing or not numeric'] },
    );
  return realmId;
}

/** `requestid` for a write: ≤ 50 characters, the same for every retry of one logical write. */
export function requestIdFor(idempotencyKey: string, entity: string, operation: string): string {
  return createHash('sha256')
    .update(`${entity}\u0000${operation}\u0000${idempotencyKey}`)
    .digest('base64url');
}

export interface QboCall {
  readonly method: 'GET' | 'POST';
  /** Path after `/v3/company/{realmId}/`. */
  readonly resource: string;
  readonly query?: Record<string, string>;
  readonly json?: unknown;
  readonly idempotencyKey?: string;
}

/** One request to the company API, with `minorversion` (and `requestid` on writes) set. */
export async function qboRequest<T>(ctx: ConnectorContext, minorVersion: number, call: QboCall): Promise<T> {
  const query: Record<string, string> = { ...call.query, minorversion: String(minorVersion) };
  const request: HttpRequest = {
    method: call.method,
    path: `/v3/company/${realmOf(ctx)}/${call.resource}`,
    query,
    headers: { accept: 'application/json' },
    signal: ctx.signal,
  };
  if (call.json !== undefined) request.json = call.json;
  if (call.idempotencyKey !== undefined) request.idempotencyKey = call.idempotencyKey;
  const response: HttpResponse<T> = await ctx.http.request<T>(request);
  return response.data;
}

/** Validates one record from QuickBooks; a record that does not fit is a ValidationError, not dropped. */
export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, operation: string): z.output<S> {
  return parseWith(schema, value, operation);
}

export type { JsonObject };

import { invalidRequest } from './errors.js';
import type { FormParams } from './form.js';
import { LIST_PARAMS, paginate, type StripeList } from './list.js';
import { checkAllowed } from './params.js';
import type { AccountState, StripeObject } from './state.js';

/** Stripe keeps events for 30 days. */
export const EVENT_RETENTION_SECONDS = 30 * 86400;

/** Drops events older than the retention window. */
export function pruneEvents(account: AccountState, nowSeconds: number): void {
  const cutoff = nowSeconds - EVENT_RETENTION_SECONDS;
  let drop = 0;
  while (drop < account.events.length && (account.events[drop] as StripeObject).created < cutoff) drop++;
  if (drop > 0) account.events.splice(0, drop);
}

function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^]*')}$`,
  );
  return (type) => re.test(type);
}

/**
 * `GET /v1/events`: newest first with the usual cursors, `created[...]`, `type` (with `*`
 * wildcards), `types[]` (at most 20, not with `type`) and `delivery_success`.
 */
export function listEvents(
  account: AccountState,
  params: FormParams,
  undelivered: ReadonlySet<string>,
): StripeList {
  checkAllowed(params, [...LIST_PARAMS, 'type', 'types', 'delivery_success']);
  let events = account.events;
  const type = params.type;
  const types = params.types;
  if (type !== undefined && types !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
  }
  const patterns: string[] = [];
  if (typeof type === 'string') patterns.push(type);
  if (types !== undefined) {
    const list = typeof types === 'string' ? [types] : types;
    if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
      throw invalidRequest('Invalid array', { param: 'types' });
    }
    if (list.length > 20) throw invalidRequest('You may pass at most 20 types.', { param: 'types' });
    patterns.push(...(list as string[]));
  }
  if (patterns.length > 0) {
    const matchers = patterns.map(typeMatcher);
    events = events.filter((e) => matchers.some((m) => m(e.type as string)));
  }
  if (params.delivery_success !== undefined) {
    const wantSuccess = params.delivery_success === 'true';
    events = events.filter((e) => undelivered.has(e.id) !== wantSuccess);
  }
  const byId = new Map(account.events.map((e) => [e.id, e]));
  return paginate(events, params, '/v1/events', (id) => byId.get(id), 'event');
}

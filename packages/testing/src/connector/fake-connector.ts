import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  apiKey,
  type Change,
  ConflictError,
  type Connector,
  type ConnectorContext,
  defineConnector,
  type EntityDefinition,
  SyncBridgeError,
  silentLogger,
  ValidationError,
} from '@syncbridge/core';
import { z } from 'zod';
import { type FakeRecord, FakeRemote } from './fake-remote.js';

export interface FakeConnectorOptions {
  /** Provider name (default `fake`). */
  provider?: string;
  /** Entity names (default `['contact']`). */
  entities?: readonly string[];
  /** Records per list page (default 50). */
  pageSize?: number;
  /** Offer a change feed (default true); without it incremental syncs list by `since`. */
  changeFeed?: boolean;
  /** Feed entries carry the record (default false: the engine fetches by id, as with QuickBooks). */
  feedCarriesRecords?: boolean;
  /** The integration config key that holds the account webhook events are routed by. */
  accountConfigKey?: string;
  /** Entities that are deactivated instead of deleted. */
  deactivateOnly?: readonly string[];
}

const recordSchema = z.looseObject({ id: z.string().min(1), updated: z.number(), version: z.number().int() });

/**
 * A generic in-memory provider and its connector, for testing the engine and hosts without
 * HTTP: `remote` is the provider side you control (edit records, delete them, inject failures,
 * count writes); `connector` is a normal `Connector` (list with paging, get, getMany, create with
 * idempotency keys, update with optimistic versions, delete, a change feed, signed webhooks).
 *
 * ```ts
 * const { connector, remote } = createFakeConnector({ entities: ['contact'] });
 * remote.seed('contact', [{ name: 'Ada' }]);
 * const bridge = createSyncBridge({ connectors: [connector], ... });
 * ```
 */
export function createFakeConnector(options: FakeConnectorOptions = {}): {
  connector: Connector;
  remote: FakeRemote;
  context: () => ConnectorContext;
} {
  const entityNames = options.entities ?? ['contact'];
  const remote = new FakeRemote(entityNames);
  const pageSize = options.pageSize ?? 50;
  const entities: Record<string, EntityDefinition<FakeRecord>> = {};
  for (const name of entityNames)
    entities[name] = fakeEntity(remote, name, pageSize, options.deactivateOnly?.includes(name) ?? false);
  const connector = defineConnector({
    provider: options.provider ?? 'fake',
    displayName: 'Fake',
    category: 'crm',
    auth: apiKey({
      credentials: z.object({ apiKey: z.string().min(1) }),
      apply: (headers, c) => headers.set('authorization', `Bearer ${c.apiKey}`),
    }),
    baseUrl: 'https://fake.invalid',
    entities,
    ...(options.changeFeed === false
      ? {}
      : {
          changes: (_ctx, params) => feed(remote, params, options.feedCarriesRecords ?? false),
          initialChangeCursor: async () => String(remote.feedHead),
        }),
    webhooks: {
      async register(_ctx, endpoint) {
        const remoteId = `we_${remote.endpoints.size + 1}`;
        const secret = `whsec_${randomBytes(16).toString('hex')}`;
        remote.endpoints.set(remoteId, { ...endpoint, secret });
        return { remoteId, secret };
      },
      async unregister(_ctx, remoteId) {
        remote.endpoints.delete(remoteId);
      },
      verify(request, secret) {
        const given = Buffer.from(request.headers['x-fake-signature'] ?? '', 'hex');
        const expected = createHmac('sha256', secret).update(request.body).digest();
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
      ...(options.accountConfigKey ? { accountConfigKey: options.accountConfigKey } : {}),
      parse(request) {
        let body: {
          events?: {
            id: string;
            entity: string;
            objectId: string;
            type: 'upsert' | 'delete';
            account?: string;
          }[];
        };
        try {
          body = JSON.parse(request.body);
        } catch (error) {
          throw new ValidationError('fake webhook: body is not JSON', { cause: error });
        }
        if (!Array.isArray(body.events)) throw new ValidationError('fake webhook: body has no events array');
        return body.events.map((e) => ({
          eventId: e.id,
          type: `${e.entity}.${e.type}`,
          ...(e.account ? { accountId: e.account } : {}),
          changes: [{ entity: e.entity, id: e.objectId, type: e.type }],
          payload: e,
        }));
      },
    },
    test: async () => {},
    capabilities: {
      entities: Object.fromEntries(
        (options.deactivateOnly ?? []).map((e) => [e, { delete: 'deactivate' as const }]),
      ),
    },
  });
  const context = (): ConnectorContext => ({
    http: { request: () => Promise.reject(new Error('the fake connector makes no HTTP requests')) },
    integration: { id: 'fake', organizationId: 'fake', provider: connector.provider, config: {} },
    logger: silentLogger,
    signal: new AbortController().signal,
  });
  return { connector, remote, context };
}

/** Signs a fake webhook body the way the fake connector verifies it. */
export function signFakeWebhook(body: string, secret: string): Record<string, string> {
  return {
    'x-fake-signature': createHmac('sha256', secret).update(body).digest('hex'),
    'content-type': 'application/json',
  };
}

function fakeEntity(
  remote: FakeRemote,
  name: string,
  pageSize: number,
  deactivateOnly: boolean,
): EntityDefinition<FakeRecord> {
  const live = (r: FakeRecord | undefined) => (r && !(deactivateOnly && r.active === false) ? r : undefined);
  return {
    schema: recordSchema as unknown as z.ZodType<FakeRecord>,
    id: (r) => r.id,
    updatedAt: (r) => new Date(r.updated),
    version: (r) => String(r.version),
    isDeleted: (r) => r.deleted === true,
    async *list(_ctx, { cursor, since }) {
      let after = cursor ?? '';
      for (;;) {
        remote.call('list', name);
        const page = remote
          .all(name)
          .filter((r) => r.id > after && (since === null || r.updated > since.getTime()))
          .slice(0, pageSize);
        const last = page.at(-1);
        const more = last !== undefined && remote.all(name).some((r) => r.id > last.id);
        yield { records: page, cursor: more ? last.id : null, total: remote.table(name).size };
        if (!more || !last) return;
        after = last.id;
      }
    },
    async get(_ctx, id) {
      remote.call('get', name, id);
      return live(remote.get(name, id)) ?? null;
    },
    async getMany(_ctx, ids) {
      remote.call('getMany', name);
      return ids.flatMap((id) => {
        const r = live(remote.get(name, id));
        return r ? [r] : [];
      });
    },
    async create(_ctx, data, { idempotencyKey }) {
      remote.call('create', name);
      return remote.idempotent(idempotencyKey, () => {
        remote.writes.create++;
        const { id: _ignored, updated: _u, version: _v, ...fields } = data as Record<string, unknown>;
        return remote.put(name, fields);
      });
    },
    async update(_ctx, id, changes, { version, idempotencyKey }) {
      remote.call('update', name, id);
      // A reused key replays the first response, as Stripe's Idempotency-Key and QuickBooks' requestid do.
      const replay = remote.replayed(idempotencyKey);
      if (replay) return replay;
      const current = remote.get(name, id);
      if (!current) throw new SyncBridgeError(`fake update ${name} ${id}: not found`, { code: 'NOT_FOUND' });
      if (version !== undefined && version !== String(current.version)) {
        throw new ConflictError(
          `fake update ${name} ${id}: version ${version} is stale (now ${current.version}).`,
          { code: 'STALE_VERSION' },
        );
      }
      return remote.idempotent(idempotencyKey, () => {
        remote.writes.update++;
        const { id: _ignored, updated: _u, version: _v, ...fields } = changes as Record<string, unknown>;
        return remote.put(name, { ...fields, id });
      });
    },
    async delete(_ctx, id) {
      remote.call('delete', name, id);
      if (!remote.get(name, id))
        throw new SyncBridgeError(`fake delete ${name} ${id}: not found`, { code: 'NOT_FOUND' });
      remote.writes.delete++;
      if (deactivateOnly) remote.put(name, { id, active: false });
      else remote.remove(name, id);
    },
  };
}

async function* feed(
  remote: FakeRemote,
  params: { cursor: string | null; entities: readonly string[] },
  carry: boolean,
) {
  remote.call('changes', params.entities.join(','));
  let cursor = params.cursor === null ? 0 : Number(params.cursor);
  for (;;) {
    const { entries, expired } = remote.feedAfter(cursor, 100);
    if (expired)
      throw new SyncBridgeError('fake change feed: cursor is older than the retention window', {
        code: 'CURSOR_EXPIRED',
      });
    if (entries.length === 0) {
      if (params.cursor === null && cursor === 0) yield { changes: [], cursor: String(remote.feedHead) };
      return;
    }
    const changes: Change[] = entries
      .filter((e) => params.entities.includes(e.entity))
      .map((e) => {
        const record = carry && e.type === 'upsert' ? remote.get(e.entity, e.id) : undefined;
        return { entity: e.entity, id: e.id, type: e.type, ...(record ? { record } : {}) };
      });
    cursor = entries.at(-1)!.seq;
    yield { changes, cursor: String(cursor) };
  }
}

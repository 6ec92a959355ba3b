import { createHmac, randomUUID } from 'node:crypto';
import type { ChangeLogEntry } from './company.js';

/**
 * Signs a webhook body as Intuit does: `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body)).
 *
 * ```ts
 * const headers = { 'intuit-signature': signIntuitPayload(body, verifierToken) };
 * ```
 */
export function signIntuitPayload(body: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(body, 'utf8').digest('base64');
}

export type WebhookFormat = 'legacy' | 'cloudevents';

export interface DeliverWebhooksOptions {
  readonly verifierToken: string;
  readonly format: WebhookFormat;
  /** Send the same delivery twice (same body, same event ids), as Intuit's retries do. */
  readonly duplicate?: boolean;
  /** Deliver the events in reverse order. */
  readonly reorder?: boolean;
}

/** What one HTTP delivery carried and how the receiver answered. */
export interface WebhookDelivery {
  readonly body: string;
  readonly signature: string;
  readonly status: number;
  readonly eventCount: number;
}

export type WebhookTarget = URL | string | ((request: Request) => Response | Promise<Response>);

const CE_OPERATION: Record<ChangeLogEntry['operation'], string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Merge: 'merged',
  Void: 'voided',
};

export function legacyPayload(entries: readonly ChangeLogEntry[]): string {
  const byRealm = new Map<string, ChangeLogEntry[]>();
  for (const e of entries) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
  return JSON.stringify({
    eventNotifications: [...byRealm].map(([realmId, list]) => ({
      realmId,
      dataChangeEvent: {
        entities: list.map((e) => ({
          name: e.entity,
          id: e.id,
          operation: e.operation,
          lastUpdated: e.at.toISOString(),
          ...(e.deletedId === undefined ? {} : { deletedId: e.deletedId }),
        })),
      },
    })),
  });
}

export function cloudEventsPayload(entries: readonly ChangeLogEntry[], ids: Map<number, string>): string {
  return JSON.stringify(
    entries.map((e) => {
      let id = ids.get(e.seq);
      if (id === undefined) {
        id = randomUUID();
        ids.set(e.seq, id);
      }
      return {
        specversion: '1.0',
        id,
        source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
        type: `qbo.${e.entity.toLowerCase()}.${CE_OPERATION[e.operation]}.v1`,
        datacontenttype: 'application/json',
        time: e.at.toISOString(),
        intuitentityid: e.id,
        intuitaccountid: e.realmId,
        data: e.deletedId === undefined ? {} : { deletedid: e.deletedId },
      };
    }),
  );
}

export async function post(target: WebhookTarget, body: string, signature: string): Promise<number> {
  const init = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'intuit-signature': signature,
      'user-agent': 'Intuit-Webhooks',
    },
    body,
  };
  if (typeof target === 'function') {
    const url = 'https://webhook.receiver.invalid/quickbooks';
    return (await target(new Request(url, init))).status;
  }
  return (await fetch(target, init)).status;
}

import type { ParsedWebhookEvent, WebhookRequest } from '@syncbridge/core';
import { isValidationError } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { signIntuitPayload } from '../src/testing/index.js';
import { connectToFake } from './helpers/connect-to-fake.js';
import { harness, useTransports } from './helpers/fake-harness.js';

useTransports();

type Rec = { Id: string; SyncToken: string };

async function receive(h: Awaited<ReturnType<typeof harness>>, format: 'legacy' | 'cloudevents', extra = {}) {
  const got: WebhookRequest[] = [];
  await h.fake.deliverWebhooks(
    async (req) => {
      got.push({ headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response(null, { status: 200 });
    },
    { verifierToken: 'verifier-123', format, ...extra },
  );
  return got;
}

describe('quickbooks() webhooks', () => {
  it('verifies intuit-signature and rejects tampering, a wrong token or no header', async () => {
    const h = await harness('msw');
    h.fake.seed.customers(1);
    const { connector } = connectToFake(h);
    const [req] = await receive(h, 'legacy');
    const spec = connector.webhooks;
    if (!req || !spec) throw new Error('no delivery');
    expect(await spec.verify(req, 'verifier-123', new Date())).toBe(true);
    expect(await spec.verify(req, 'other-token', new Date())).toBe(false);
    expect(
      await spec.verify({ ...req, body: req.body.replace('Create', 'Delete') }, 'verifier-123', new Date()),
    ).toBe(false);
    expect(await spec.verify({ headers: {}, body: req.body }, 'verifier-123', new Date())).toBe(false);
    expect(
      await spec.verify(
        { headers: { 'intuit-signature': 'short' }, body: req.body },
        'verifier-123',
        new Date(),
      ),
    ).toBe(false);
    expect(spec.accountConfigKey).toBe('realmId');
  });

  it('parses legacy notifications with stable event ids across duplicate deliveries', async () => {
    const h = await harness('msw');
    const [c] = h.fake.seed.customers(1) as Rec[];
    const [inv] = h.fake.seed.invoices(1, { customerId: c?.Id as string }) as Rec[];
    h.fake.company().delete('Invoice', { Id: inv?.Id, SyncToken: '0' });
    const { connector } = connectToFake(h);
    const [first, second] = await receive(h, 'legacy', { duplicate: true });
    const a = connector.webhooks?.parse(first as WebhookRequest) as ParsedWebhookEvent[];
    const b = connector.webhooks?.parse(second as WebhookRequest) as ParsedWebhookEvent[];
    expect(a.map((e) => e.eventId)).toEqual(b.map((e) => e.eventId));
    expect(new Set(a.map((e) => e.eventId)).size).toBe(a.length);
    expect(a.every((e) => e.accountId === h.fake.defaultRealmId)).toBe(true);
    const last = a.at(-1) as ParsedWebhookEvent;
    expect(last.type).toBe('Invoice.Delete');
    expect(last.changes).toEqual([
      { entity: 'Invoice', id: inv?.Id, type: 'delete', occurredAt: expect.any(Date) },
    ]);
    expect(a[0]?.changes[0]).toMatchObject({ entity: 'Customer', id: c?.Id, type: 'upsert' });
  });

  it('parses CloudEvents, including a merge as a delete of the merged-away id', async () => {
    const h = await harness('msw');
    const [x, y] = h.fake.seed.customers(2) as Rec[];
    h.fake.company().merge('Customer', x?.Id as string, y?.Id as string);
    const { connector } = connectToFake(h);
    const [req] = await receive(h, 'cloudevents');
    const events = connector.webhooks?.parse(req as WebhookRequest) as ParsedWebhookEvent[];
    const merge = events.at(-1) as ParsedWebhookEvent;
    expect(merge.type).toBe('qbo.customer.merged.v1');
    expect(merge.eventId).toBe(JSON.parse(req?.body as string)[2].id);
    expect(merge.accountId).toBe(h.fake.defaultRealmId);
    expect(merge.changes).toEqual([
      { entity: 'Customer', id: x?.Id, type: 'delete', occurredAt: expect.any(Date) },
      { entity: 'Customer', id: y?.Id, type: 'upsert', mergedFromId: x?.Id, occurredAt: expect.any(Date) },
    ]);
  });

  it('parses a legacy Merge with deletedId', async () => {
    const h = await harness('msw');
    const [x, y] = h.fake.seed.customers(2) as Rec[];
    h.fake.company().merge('Customer', x?.Id as string, y?.Id as string);
    const { connector } = connectToFake(h);
    const [req] = await receive(h, 'legacy');
    const merge = (connector.webhooks?.parse(req as WebhookRequest) ?? []).at(-1);
    expect(merge?.type).toBe('Customer.Merge');
    expect(merge?.changes.map((c) => [c.id, c.type, c.mergedFromId])).toEqual([
      [x?.Id, 'delete', undefined],
      [y?.Id, 'upsert', x?.Id],
    ]);
  });

  it('accepts a CloudEvent without data and rejects bodies of neither format', async () => {
    const h = await harness('msw');
    const { connector } = connectToFake(h);
    const body = JSON.stringify([
      {
        specversion: '1.0',
        id: 'ev-1',
        source: 'intuit.x',
        type: 'qbo.journalentry.updated.v1',
        time: '2026-01-01T00:00:00Z',
        intuitentityid: '7',
        intuitaccountid: '42',
      },
    ]);
    const req = { headers: { 'intuit-signature': signIntuitPayload(body, 't') }, body };
    expect(await connector.webhooks?.verify(req, 't', new Date())).toBe(true);
    const [event] = connector.webhooks?.parse(req) ?? [];
    expect(event?.changes).toEqual([
      { entity: 'JournalEntry', id: '7', type: 'upsert', occurredAt: new Date('2026-01-01T00:00:00Z') },
    ]);
    for (const bad of ['not json', '{"foo":1}', '[{"id":"x"}]']) {
      let error: unknown;
      try {
        connector.webhooks?.parse({ headers: {}, body: bad });
      } catch (e) {
        error = e;
      }
      expect(isValidationError(error)).toBe(true);
    }
  });
});

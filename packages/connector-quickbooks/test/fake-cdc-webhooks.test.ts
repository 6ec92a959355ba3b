import { describe, expect, it } from 'vitest';
import { qboFailures, signIntuitPayload } from '../src/testing/index.js';
import { harness, TRANSPORTS, useTransports } from './helpers/fake-harness.js';

useTransports();

type Cdc = { CDCResponse: { QueryResponse: Record<string, Record<string, unknown>[]>[] }[]; time: string };

describe.each(TRANSPORTS)('fake QuickBooks CDC, limits and webhooks over %s', (transport) => {
  it('returns changes and deletions since a time, per entity, with the response time', async () => {
    const h = await harness(transport);
    const since = h.fake.clock.now().toISOString();
    const [inv] = h.fake.seed.invoices(1);
    h.fake.company().delete('Invoice', { Id: inv?.Id, SyncToken: inv?.SyncToken });
    const res = await h.api('cdc', { query: { entities: 'Customer,Invoice', changedSince: since } });
    const body = (await res.json()) as Cdc;
    const [customers, invoices] = body.CDCResponse[0]?.QueryResponse ?? [];
    expect(customers?.Customer).toHaveLength(1);
    expect(invoices?.Invoice).toEqual([
      { status: 'Deleted', domain: 'QBO', Id: inv?.Id, MetaData: { LastUpdatedTime: expect.any(String) } },
    ]);
    expect(Date.parse(body.time)).toBe(h.fake.clock.now().getTime());
  });

  it('caps a response at 1,000 objects across entities and refuses look-backs over 30 days', async () => {
    const h = await harness(transport);
    const since = h.fake.clock.now().toISOString();
    h.fake.seed.customers(700);
    h.fake.seed.items(400);
    const res = await h.api('cdc', { query: { entities: 'Customer,Item', changedSince: since } });
    const [c, i] = ((await res.json()) as Cdc).CDCResponse[0]?.QueryResponse ?? [];
    expect((c?.Customer?.length ?? 0) + (i?.Item?.length ?? 0)).toBe(1000);
    const old = new Date(h.fake.clock.now().getTime() - 31 * 24 * 3600 * 1000).toISOString();
    const tooOld = await h.api('cdc', { query: { entities: 'Customer', changedSince: old } });
    expect(tooOld.status).toBe(400);
    expect(((await tooOld.json()) as { Fault: { type: string } }).Fault.type).toBe('ValidationFault');
  });

  it('throttles at 500 requests a minute per realm with an XML 429', async () => {
    const h = await harness(transport, { throttle: true });
    for (let i = 0; i < 500; i++) expect((await h.api('companyinfo/1')).status).toBe(200);
    const res = await h.api('companyinfo/1');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('xml');
    expect(await res.text()).toContain('<Error code="3001">');
    h.fake.clock.advance(60_001);
    expect((await h.api('companyinfo/1')).status).toBe(200);
  });

  it('throttles the 11th concurrent request', async () => {
    const h = await harness(transport, { throttle: { perMinute: 100_000, concurrency: 10 } });
    const release = h.fake.hold();
    // Ten are admitted and held; whichever arrives eleventh is refused at once, so it settles first.
    const all = Array.from({ length: 11 }, () => h.api('companyinfo/1'));
    const first = await Promise.race(all);
    expect(first.status).toBe(429);
    release();
    const statuses = (await Promise.all(all)).map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
  });

  it('injects failures: a Fault inside HTTP 200 and an XML 401', async () => {
    const h = await harness(transport);
    h.fake.failNext(1, qboFailures.faultIn200());
    h.fake.failNext(1, qboFailures.xml401());
    const a = await h.api('companyinfo/1');
    expect(a.status).toBe(200);
    expect(((await a.json()) as { Fault: { type: string } }).Fault.type).toBe('ValidationFault');
    const b = await h.api('companyinfo/1');
    expect(b.status).toBe(401);
    expect(await b.text()).toContain('<Fault type="AUTHENTICATION">');
    expect((await h.api('companyinfo/1')).status).toBe(200);
    expect(h.fake.requests.map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('delivers signed legacy notifications of the changes since the last delivery', async () => {
    const h = await harness(transport);
    const received: { body: string; signature: string | null }[] = [];
    const target = async (req: Request) => {
      received.push({ body: await req.text(), signature: req.headers.get('intuit-signature') });
      return new Response(null, { status: 200 });
    };
    const [c] = h.fake.seed.customers(1);
    h.fake.company().update('Customer', { Id: c?.Id, SyncToken: '0', sparse: true, Notes: 'x' });
    const deliveries = await h.fake.deliverWebhooks(target, { verifierToken: 'vt', format: 'legacy' });
    expect(deliveries).toHaveLength(1);
    expect(received[0]?.signature).toBe(signIntuitPayload(received[0]?.body as string, 'vt'));
    const body = JSON.parse(received[0]?.body as string);
    expect(body.eventNotifications[0].realmId).toBe(h.fake.defaultRealmId);
    expect(
      body.eventNotifications[0].dataChangeEvent.entities.map((e: { operation: string }) => e.operation),
    ).toEqual(['Create', 'Update']);
    expect(await h.fake.deliverWebhooks(target, { verifierToken: 'vt', format: 'legacy' })).toEqual([]);
  });

  it('delivers CloudEvents with merges, duplicated and reordered on request', async () => {
    const h = await harness(transport);
    const bodies: string[] = [];
    const target = async (req: Request) => {
      bodies.push(await req.text());
      return new Response(null, { status: 202 });
    };
    const [a, b] = h.fake.seed.customers(2);
    h.fake.company().merge('Customer', a?.Id as string, b?.Id as string);
    const deliveries = await h.fake.deliverWebhooks(target, {
      verifierToken: 'vt',
      format: 'cloudevents',
      duplicate: true,
      reorder: true,
    });
    expect(deliveries.map((d) => d.status)).toEqual([202, 202]);
    expect(bodies[0]).toBe(bodies[1]);
    const events = JSON.parse(bodies[0] as string);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'qbo.customer.merged.v1',
      intuitentityid: b?.Id,
      intuitaccountid: h.fake.defaultRealmId,
      data: { deletedid: a?.Id },
    });
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'qbo.customer.merged.v1',
      'qbo.customer.created.v1',
      'qbo.customer.created.v1',
    ]);
    expect(new Set(events.map((e: { id: string }) => e.id)).size).toBe(3);
  });
});

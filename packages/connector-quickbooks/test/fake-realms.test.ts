import { serveFetchHandler } from '@syncbridge/testing/fakes';
import { describe, expect, it } from 'vitest';
import { signIntuitPayload } from '../src/testing/index.js';
import { harness, TRANSPORTS, useTransports } from './helpers/fake-harness.js';

useTransports();

describe.each(TRANSPORTS)('fake QuickBooks realms and state over %s', (transport) => {
  it('keeps realms apart and refuses a token on another realm with a 403 AuthorizationFault', async () => {
    const h = await harness(transport, { realms: ['111', '222'] });
    h.fake.seed.customers(2, undefined, '222');
    expect(h.fake.records('Customer', '111')).toHaveLength(0);
    expect(h.fake.records('Customer', '222')).toHaveLength(2);
    const other = h.fake.issueTokens('222').accessToken;
    const res = await h.api('companyinfo/111', { token: other });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { Fault: { type: string; Error: { code: string }[] } };
    expect(body.Fault.type).toBe('AuthorizationFault');
    expect(body.Fault.Error[0]?.code).toBe('3100');
  });

  it('rejects an invalid payment update without touching invoice balances', async () => {
    const h = await harness(transport);
    const [pay] = h.fake.seed.payments(1);
    const lines = (pay?.Line ?? []) as { LinkedTxn: { TxnId: string }[] }[];
    const invoiceId = lines[0]?.LinkedTxn[0]?.TxnId as string;
    const before = h.fake.company().read('Invoice', invoiceId);
    const res = await h.api('payment', { json: { Id: pay?.Id, SyncToken: pay?.SyncToken, Line: [] } });
    expect(res.status).toBe(400);
    expect(h.fake.company().read('Invoice', invoiceId)).toEqual(before);
  });
});

describe('fake QuickBooks webhook delivery over HTTP', () => {
  it('delivers webhooks to a URL over HTTP', async () => {
    const h = await harness('loopback');
    const received: { body: string; signature: string | null }[] = [];
    const receiver = await serveFetchHandler(async (req) => {
      received.push({ body: await req.text(), signature: req.headers.get('intuit-signature') });
      return new Response(null, { status: 200 });
    });
    try {
      h.fake.seed.customers(1);
      const [delivery] = await h.fake.deliverWebhooks(new URL(`${receiver.url}/hooks/qbo`), {
        verifierToken: 'vt',
        format: 'cloudevents',
      });
      expect(delivery?.status).toBe(200);
      expect(received).toHaveLength(1);
      expect(received[0]?.signature).toBe(signIntuitPayload(received[0]?.body as string, 'vt'));
      expect(JSON.parse(received[0]?.body as string)[0].type).toBe('qbo.customer.created.v1');
    } finally {
      await receiver.close();
    }
  });
});

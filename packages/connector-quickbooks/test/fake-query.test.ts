import { describe, expect, it } from 'vitest';
import { qboTime } from '../src/testing/index.js';
import { harness, TRANSPORTS, useTransports } from './helpers/fake-harness.js';

useTransports();

type QueryBody = { QueryResponse: Record<string, unknown>; time: string };
type FaultBody = { Fault: { Error: { code: string; Message: string; Detail: string }[]; type: string } };

describe.each(TRANSPORTS)('fake QuickBooks query over %s', (transport) => {
  async function query(h: Awaited<ReturnType<typeof harness>>, q: string) {
    const res = await h.api('query', { query: { query: q } });
    return { status: res.status, body: (await res.json()) as QueryBody & FaultBody };
  }

  it('pages with STARTPOSITION and MAXRESULTS; a page past the end has no entity key', async () => {
    const h = await harness(transport);
    h.fake.seed.customers(5);
    const first = await query(h, 'SELECT * FROM Customer ORDERBY Id STARTPOSITION 1 MAXRESULTS 2');
    expect(first.body.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 2 });
    const ids = (first.body.QueryResponse.Customer as { Id: string }[]).map((c) => c.Id);
    const third = await query(h, 'select * from Customer orderby Id startposition 5 maxresults 2');
    expect((third.body.QueryResponse.Customer as unknown[]).length).toBe(1);
    const past = await query(h, 'SELECT * FROM Customer STARTPOSITION 6 MAXRESULTS 2');
    expect(past.body.QueryResponse).toEqual({});
    expect(ids).toHaveLength(2);
    expect(typeof past.body.time).toBe('string');
  });

  it('counts, defaults to 100 results and rejects MAXRESULTS over 1000', async () => {
    const h = await harness(transport);
    h.fake.seed.customers(120);
    expect((await query(h, 'SELECT COUNT(*) FROM Customer')).body.QueryResponse).toEqual({ totalCount: 120 });
    expect(((await query(h, 'SELECT * FROM Customer')).body.QueryResponse.Customer as unknown[]).length).toBe(
      100,
    );
    const tooMany = await query(h, 'SELECT * FROM Customer MAXRESULTS 1001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.Fault.Error[0]?.Detail).toMatch(/QueryValidationError/);
  });

  it('answers a malformed query with a 4000 QueryParserError Fault', async () => {
    const h = await harness(transport);
    for (const q of [
      "SELECT * FROM Customer WHERE DisplayName = 'unterminated",
      'SELEC * FROM Customer',
      'SELECT * FROM Customer WHERE Id = 1 OR Id = 2',
    ]) {
      const res = await query(h, q);
      expect(res.status).toBe(400);
      expect(res.body.Fault.type).toBe('ValidationFault');
      expect(res.body.Fault.Error[0]?.code).toBe('4000');
    }
  });

  it('returns only active name-list records unless Active is constrained', async () => {
    const h = await harness(transport);
    const [a] = h.fake.seed.customers(3);
    h.fake.company().update('Customer', { Id: a?.Id, SyncToken: a?.SyncToken, sparse: true, Active: false });
    const active = await query(h, 'SELECT COUNT(*) FROM Customer');
    expect(active.body.QueryResponse.totalCount).toBe(2);
    const all = await query(h, 'SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)');
    expect(all.body.QueryResponse.totalCount).toBe(3);
    const inactive = await query(h, 'SELECT * FROM Customer WHERE Active = false');
    expect((inactive.body.QueryResponse.Customer as { Id: string }[]).map((c) => c.Id)).toEqual([a?.Id]);
  });

  it('filters on Id IN, DisplayName = / LIKE with escaped quotes, and LastUpdatedTime', async () => {
    const h = await harness(transport);
    const [c1, c2, c3] = h.fake.seed.customers(3, (i) => (i === 1 ? { DisplayName: "O'Brien & Sons" } : {}));
    const byIds = await query(h, `SELECT * FROM Customer WHERE Id IN ('${c1?.Id}', '${c3?.Id}')`);
    expect((byIds.body.QueryResponse.Customer as { Id: string }[]).map((c) => c.Id)).toEqual([
      c1?.Id,
      c3?.Id,
    ]);
    const byName = await query(h, "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien & Sons'");
    expect((byName.body.QueryResponse.Customer as { Id: string }[]).map((c) => c.Id)).toEqual([c2?.Id]);
    const like = await query(h, "SELECT * FROM Customer WHERE DisplayName LIKE 'O\\'Bri%'");
    expect((like.body.QueryResponse.Customer as unknown[]).length).toBe(1);
    const since = (c2?.MetaData as { LastUpdatedTime: string } | undefined)?.LastUpdatedTime as string;
    const newer = await query(
      h,
      `SELECT * FROM Customer WHERE Metadata.LastUpdatedTime > '${since}' ORDERBY Metadata.LastUpdatedTime`,
    );
    expect((newer.body.QueryResponse.Customer as { Id: string }[]).map((c) => c.Id)).toEqual([c3?.Id]);
    // Times are in the company's zone, with an offset.
    expect(since).toBe(qboTime(new Date(Date.parse(since))));
    expect(since).toMatch(/-08:00$/);
  });

  it('compares LastUpdatedTime with <, <=, >= and orders descending', async () => {
    const h = await harness(transport);
    const seeded = h.fake.seed.customers(3);
    const times = seeded.map((c) => (c.MetaData as { LastUpdatedTime: string }).LastUpdatedTime);
    const ids = async (where: string, order = '') => {
      const res = await query(h, `SELECT * FROM Customer WHERE Metadata.LastUpdatedTime ${where} ${order}`);
      return ((res.body.QueryResponse.Customer ?? []) as { Id: string }[]).map((c) => c.Id);
    };
    const [a, b, c] = seeded.map((r) => r.Id);
    expect(await ids(`< '${times[1]}'`)).toEqual([a]);
    expect(await ids(`<= '${times[1]}'`)).toEqual([a, b]);
    expect(await ids(`>= '${times[1]}'`, 'ORDERBY Metadata.LastUpdatedTime DESC')).toEqual([c, b]);
  });

  it('accepts a query POSTed as application/text', async () => {
    const h = await harness(transport);
    h.fake.seed.customers(2);
    const { accessToken } = h.fake.issueTokens();
    const res = await fetch(`${h.apiBase}/v3/company/${h.fake.defaultRealmId}/query?minorversion=75`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/text',
        accept: 'application/json',
      },
      body: 'SELECT COUNT(*) FROM Customer',
    });
    expect(((await res.json()) as QueryBody).QueryResponse).toEqual({ totalCount: 2 });
  });

  it('rejects a discontinued minorversion', async () => {
    const h = await harness(transport);
    const res = await h.api('query', { query: { query: 'SELECT * FROM Customer', minorversion: '65' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as FaultBody).Fault.Error[0]?.Detail).toMatch(/discontinued/);
  });
});

import { isConflictError, isValidationError, type ValidationError } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { qboLiteral, selectQuery } from '../src/index.js';
import { collect, connectToFake, entityOf } from './helpers/connect-to-fake.js';
import { harness, TRANSPORTS, useTransports } from './helpers/fake-harness.js';

useTransports();

type Rec = { Id: string; SyncToken: string; Active?: boolean; DisplayName?: string };

describe('quickbooks() entities', () => {
  it.each(TRANSPORTS)('lists every customer to the end, inactive ones included (%s)', async (transport) => {
    const h = await harness(transport);
    const seeded = h.fake.seed.customers(2100);
    const c0 = seeded[0] as Rec;
    h.fake.company().update('Customer', { Id: c0.Id, SyncToken: c0.SyncToken, sparse: true, Active: false });
    const { connector, ctx } = connectToFake(h);
    const pages = await collect(
      entityOf(connector, 'Customer').list(ctx, { cursor: null, since: null, filter: null }),
    );
    expect(pages.length).toBe(3);
    expect(pages.at(-1)?.cursor).toBeNull();
    const ids = pages.flatMap((p) => p.records.map((r) => (r as Rec).Id));
    expect(new Set(ids).size).toBe(2100);
    expect(ids).toContain(c0.Id);
    const queries = h.fake.requests.filter((r) => r.path.endsWith('/query')).map((r) => r.query.query);
    expect(queries[0]).toBe(
      'SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000',
    );
    expect(h.fake.requests.every((r) => r.query.minorversion === '75')).toBe(true);
  });

  it('does not skip records edited while a list is running', async () => {
    const h = await harness('msw');
    const seeded = h.fake.seed.customers(2500) as Rec[];
    const { connector, ctx } = connectToFake(h);
    const seen = new Set<string>();
    let edited = false;
    for await (const page of entityOf(connector, 'Customer').list(ctx, {
      cursor: null,
      since: null,
      filter: null,
    })) {
      for (const r of page.records) seen.add((r as Rec).Id);
      if (!edited) {
        // Edit records from the first page: with offset paging the rest would shift back.
        for (const r of seeded.slice(0, 50))
          h.fake
            .company()
            .update('Customer', { Id: r.Id, SyncToken: r.SyncToken, sparse: true, Notes: 'mid-list' });
        edited = true;
      }
    }
    expect(seen.size).toBe(2500);
  });

  it('lists a tie group larger than a page (many records changed in the same second)', async () => {
    const h = await harness('msw', { tickMs: 0 });
    h.fake.seed.customers(2500);
    const { connector, ctx } = connectToFake(h);
    const pages = await collect(
      entityOf(connector, 'Customer').list(ctx, { cursor: null, since: null, filter: null }),
    );
    const ids = pages.flatMap((p) => p.records.map((r) => (r as Rec).Id));
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
  });

  it('lists incrementally with Metadata.LastUpdatedTime > since and resumes from a cursor', async () => {
    const h = await harness('msw');
    h.fake.seed.customers(3);
    h.fake.clock.advance(60_000);
    const since = h.fake.clock.now();
    h.fake.clock.advance(5_000);
    const later = h.fake.seed.customers(2) as Rec[];
    const { connector, ctx } = connectToFake(h);
    const pages = await collect(
      entityOf(connector, 'Customer').list(ctx, { cursor: null, since, filter: null }),
    );
    expect(pages.flatMap((p) => p.records.map((r) => (r as Rec).Id))).toEqual(later.map((r) => r.Id));
    const q = h.fake.requests.at(-1)?.query.query ?? '';
    expect(q).toContain(`Metadata.LastUpdatedTime > '${since.toISOString().slice(0, 19)}Z'`);
  });

  it('gets one record or null, and many with Id IN batches', async () => {
    const h = await harness('msw');
    const seeded = h.fake.seed.customers(150) as Rec[];
    const { connector, ctx } = connectToFake(h);
    const customer = entityOf(connector, 'Customer');
    expect(((await customer.get(ctx, seeded[0]?.Id as string)) as Rec).DisplayName).toBe(
      seeded[0]?.DisplayName,
    );
    expect(await customer.get(ctx, '999999')).toBeNull();
    const before = h.fake.requests.length;
    const many = (await customer.getMany(ctx, [...seeded.map((r) => r.Id), '999999'])) as Rec[];
    expect(many.map((r) => r.Id).sort()).toEqual(seeded.map((r) => r.Id).sort());
    expect(h.fake.requests.length - before).toBe(2);
  });

  it('quotes values so a quote cannot break or widen a query', async () => {
    const h = await harness('msw');
    h.fake.seed.customers(3, (i) => (i === 0 ? { DisplayName: "O'Brien" } : {}));
    const { connector, ctx } = connectToFake(h);
    expect(await entityOf(connector, 'Customer').getMany(ctx, ["1') OR Id > ('0", "1' OR Id > '0"])).toEqual(
      [],
    );
    expect(qboLiteral("O'Brien \\ Sons")).toBe("'O\\'Brien \\\\ Sons'");
    const res = await ctx.http.request<{ QueryResponse: { Customer: Rec[] } }>({
      method: 'GET',
      path: `/v3/company/${h.fake.defaultRealmId}/query`,
      query: {
        query: selectQuery({ entity: 'Customer', where: [`DisplayName = ${qboLiteral("O'Brien")}`] }),
        minorversion: '75',
      },
    });
    expect(res.data.QueryResponse.Customer.map((c) => c.DisplayName)).toEqual(["O'Brien"]);
    expect(() => qboLiteral('a\u0000b')).toThrow(RangeError);
  });

  it('creates idempotently: a retry with the same key sends the same requestid and makes one record', async () => {
    const h = await harness('msw');
    const { connector, ctx } = connectToFake(h);
    const create = entityOf(connector, 'Customer').create;
    const a = (await create(ctx, { DisplayName: 'Ada' }, { idempotencyKey: 'intent-1' })) as Rec;
    const b = (await create(ctx, { DisplayName: 'Ada' }, { idempotencyKey: 'intent-1' })) as Rec;
    expect(b.Id).toBe(a.Id);
    expect(h.fake.records('Customer')).toHaveLength(1);
    const writes = h.fake.requests.filter((r) => r.method === 'POST');
    expect(writes[0]?.query.requestid).toBe(writes[1]?.query.requestid);
    expect((writes[0]?.query.requestid ?? '').length).toBeLessThanOrEqual(50);
    expect(writes.every((w) => w.query.minorversion === '75')).toBe(true);
  });

  it('updates sparsely with the SyncToken; a stale one is ConflictError STALE_VERSION', async () => {
    const h = await harness('msw');
    const [c] = h.fake.seed.customers(1, () => ({ DisplayName: 'Bob', CompanyName: 'Bob Co' })) as Rec[];
    const { connector, ctx } = connectToFake(h);
    const update = entityOf(connector, 'Customer').update;
    const updated = (await update(
      ctx,
      c?.Id as string,
      { Notes: 'hello' },
      { idempotencyKey: 'u1', version: '0' },
    )) as Rec & {
      Notes: string;
      CompanyName: string;
    };
    expect(updated).toMatchObject({ Notes: 'hello', CompanyName: 'Bob Co', SyncToken: '1' });
    expect(h.fake.requests.at(-1)?.body).toEqual({ Notes: 'hello', Id: c?.Id, SyncToken: '0', sparse: true });
    const stale = await update(
      ctx,
      c?.Id as string,
      { Notes: 'again' },
      { idempotencyKey: 'u2', version: '0' },
    ).catch((e) => e);
    expect(isConflictError(stale)).toBe(true);
    expect(stale.code).toBe('STALE_VERSION');
    expect(stale.message).toContain('5010');
  });

  it('maps 6240 Duplicate Name to a ValidationError with the provider words', async () => {
    const h = await harness('msw');
    h.fake.seed.customers(1, () => ({ DisplayName: 'Acme' }));
    const { connector, ctx } = connectToFake(h);
    const error = (await entityOf(connector, 'Customer')
      .create(ctx, { DisplayName: 'Acme' }, { idempotencyKey: 'd' })
      .catch((e) => e)) as ValidationError;
    expect(isValidationError(error)).toBe(true);
    expect(error.code).toBe('DUPLICATE_NAME');
    expect(error.message).toContain('Duplicate Name Exists Error');
    expect(error.issues[0]?.code).toBe('6240');
  });

  it('deletes transactions (twice is fine) and deactivates name lists', async () => {
    const h = await harness('msw');
    const [inv] = h.fake.seed.invoices(1) as Rec[];
    const customerId = (h.fake.records('Customer')[0] as Rec).Id;
    const { connector, ctx } = connectToFake(h);
    await entityOf(connector, 'Invoice').delete(ctx, inv?.Id as string, {
      idempotencyKey: 'del-1',
      version: inv?.SyncToken,
    });
    expect(h.fake.records('Invoice')).toHaveLength(0);
    expect(h.fake.requests.at(-1)?.query.operation).toBe('delete');
    await expect(
      entityOf(connector, 'Invoice').delete(ctx, inv?.Id as string, {
        idempotencyKey: 'del-2',
        version: inv?.SyncToken,
      }),
    ).resolves.toBeUndefined();
    await entityOf(connector, 'Customer').delete(ctx, customerId, { idempotencyKey: 'del-3' });
    expect(h.fake.company().read('Customer', customerId).Active).toBe(false);
    expect(connector.capabilities.entities.Customer?.delete).toBe('deactivate');
    expect(connector.capabilities.entities.Invoice?.delete).toBe('delete');
    expect(connector.capabilities.entities.Account?.outbound).toBe(false);
    expect(connector.entities.Account?.create).toBeUndefined();
  });

  it('proves the credentials with companyinfo', async () => {
    const h = await harness('loopback');
    const { connector, ctx } = connectToFake(h);
    await expect(connector.test?.(ctx)).resolves.toBeUndefined();
    expect(h.fake.requests.at(-1)?.path).toBe(
      `/v3/company/${h.fake.defaultRealmId}/companyinfo/${h.fake.defaultRealmId}`,
    );
  });
});

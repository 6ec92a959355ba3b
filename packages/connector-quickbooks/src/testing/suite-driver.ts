import type { ConnectorFakeDriver, InjectedFailure as SuiteFailure } from '@syncbridge/testing';
import { qboTime } from './clock.js';
import { NAME_LISTS, type QboRecord } from './company.js';
import { qboFailures } from './failures.js';
import type { FakeQuickBooks } from './fake-quickbooks.js';
import { faultBody, gatewayAuthFault } from './faults.js';

/** Entities the driver can seed, edit and sample. */
export type SuiteEntity = 'Customer' | 'Invoice' | 'Item' | 'Payment';

/** The field a "provider user" edits per entity (a harmless, writable, top-level field). */
const EDITED_FIELD: Record<SuiteEntity, string> = {
  Customer: 'Notes',
  Invoice: 'PrivateNote',
  Item: 'Description',
  Payment: 'PrivateNote',
};

/** Enough failures to outlast a client's retries and its one 401-triggered refresh. */
const FAILURE_COUNT = 8;

function suiteEntity(entity: string): SuiteEntity {
  if (entity === 'Customer' || entity === 'Invoice' || entity === 'Item' || entity === 'Payment')
    return entity;
  throw new Error(`quickBooksSuiteDriver: no driver support for ${entity}`);
}

/**
 * Drives a fake QuickBooks for `runConnectorSuite` from `@syncbridge/testing`: seeds, edits and
 * deletes as a QuickBooks user would (through the company, logged for CDC and webhooks), injects
 * Intuit's real error bodies, signs webhooks with `verifierToken`.
 *
 * ```ts
 * const fake = createFakeQuickBooks();
 * runConnectorSuite({ name: 'quickbooks', connector, context, driver: quickBooksSuiteDriver(fake), entity: 'Customer', pageCount: 1100 });
 * ```
 */
export function quickBooksSuiteDriver(
  fake: FakeQuickBooks,
  options: { verifierToken?: string; realmId?: string } = {},
): ConnectorFakeDriver {
  const verifierToken = options.verifierToken ?? 'suite-verifier-token';
  const realmId = options.realmId ?? fake.defaultRealmId;
  const company = () => fake.company(realmId);
  let n = 0;

  const seed = (entity: SuiteEntity, count: number): QboRecord[] => {
    switch (entity) {
      case 'Customer':
        return fake.seed.customers(count, undefined, realmId);
      case 'Item':
        return fake.seed.items(count, undefined, realmId);
      case 'Invoice': {
        const [customer] = fake.seed.customers(1, undefined, realmId);
        const [item] = fake.seed.items(1, undefined, realmId);
        return fake.seed.invoices(count, {
          customerId: customer?.Id as string,
          itemId: item?.Id as string,
          realmId,
        });
      }
      case 'Payment':
        return fake.seed.payments(count, { realmId });
    }
  };

  const failures: Record<SuiteFailure, () => void> = {
    unauthorized: () =>
      fake.failNext(FAILURE_COUNT, {
        status: 401,
        contentType: 'application/json',
        body: gatewayAuthFault('Token invalid or revoked', fake.clock.now().getTime()),
      }),
    not_found: () =>
      fake.failNext(FAILURE_COUNT, {
        status: 400,
        contentType: 'application/json',
        body: faultBody(
          'ValidationFault',
          [
            {
              code: '610',
              message: 'Object Not Found',
              detail: 'Object Not Found : Something you are trying to use has been made inactive.',
            },
          ],
          qboTime(fake.clock.now(), true),
        ),
      }),
    rate_limit: () => fake.failNext(FAILURE_COUNT, qboFailures.throttled()),
    server: () => fake.failNext(FAILURE_COUNT, qboFailures.systemFault()),
    validation: () =>
      fake.failNext(FAILURE_COUNT, {
        status: 400,
        contentType: 'application/json',
        body: faultBody(
          'ValidationFault',
          [
            {
              code: '2010',
              message: 'Request has invalid or unsupported property',
              detail: 'Property Name:Unrecognized field',
            },
          ],
          qboTime(fake.clock.now(), true),
        ),
      }),
  };

  return {
    reset: () => fake.reset(),
    seed: (entity, count) => seed(suiteEntity(entity), count).map((r) => r.Id),
    edit: (entity, id) => {
      const name = suiteEntity(entity);
      const current = company().read(name, id);
      company().update(name, {
        Id: id,
        SyncToken: current.SyncToken,
        sparse: true,
        [EDITED_FIELD[name]]: `Edited in QuickBooks #${++n}`,
      });
    },
    remove: (entity, id) => {
      const name = suiteEntity(entity);
      const current = company().read(name, id);
      // Name lists cannot be deleted in QuickBooks: a user makes them inactive.
      if (NAME_LISTS.has(name))
        company().update(name, { Id: id, SyncToken: current.SyncToken, sparse: true, Active: false });
      else company().delete(name, { Id: id, SyncToken: current.SyncToken });
    },
    sample: (entity) => {
      const name = suiteEntity(entity);
      const update = { [EDITED_FIELD[name]]: `Updated by the suite #${++n}` };
      switch (name) {
        case 'Customer':
          return {
            create: {
              DisplayName: `Suite Customer ${n}`,
              PrimaryEmailAddr: { Address: `suite${n}@example.com` },
            },
            update,
          };
        case 'Item':
          return {
            create: {
              Name: `Suite Item ${n}`,
              Type: 'Service',
              UnitPrice: 25,
              IncomeAccountRef: { value: incomeAccountId() },
            },
            update,
          };
        case 'Invoice': {
          const [customer] = fake.seed.customers(1, undefined, realmId);
          const [item] = fake.seed.items(1, undefined, realmId);
          return {
            create: {
              CustomerRef: { value: customer?.Id },
              Line: [
                {
                  Amount: 40,
                  DetailType: 'SalesItemLineDetail',
                  SalesItemLineDetail: { ItemRef: { value: item?.Id }, Qty: 2, UnitPrice: 20 },
                },
              ],
            },
            update,
          };
        }
        case 'Payment': {
          const [invoice] = fake.seed.invoices(1, { realmId });
          return {
            create: {
              CustomerRef: invoice?.CustomerRef,
              TotalAmt: invoice?.Balance,
              Line: [{ Amount: invoice?.Balance, LinkedTxn: [{ TxnId: invoice?.Id, TxnType: 'Invoice' }] }],
            },
            update,
          };
        }
      }
    },
    failNext: (kind) => failures[kind](),
    webhook: async (_entity, _id) => {
      let captured: { body: string; signature: string } | undefined;
      await fake.deliverWebhooks(
        async (request) => {
          captured = { body: await request.text(), signature: request.headers.get('intuit-signature') ?? '' };
          return new Response(null, { status: 200 });
        },
        { verifierToken, format: 'cloudevents' },
      );
      if (captured === undefined)
        throw new Error('quickBooksSuiteDriver: no change to announce in a webhook');
      return {
        request: {
          headers: { 'content-type': 'application/json', 'intuit-signature': captured.signature },
          body: captured.body,
        },
        secret: verifierToken,
      };
    },
    advance: (ms) => fake.clock.advance(ms),
  };

  function incomeAccountId(): string {
    const account = fake.records('Account', realmId).find((a) => a.AccountType === 'Income');
    if (account === undefined) throw new Error('fake company has no income account');
    return account.Id;
  }
}

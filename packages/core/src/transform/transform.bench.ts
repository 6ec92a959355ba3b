/**
 * Transformer throughput on 100,000 QuickBooks-Invoice-shaped records with a 15-field mapping
 * (nested objects, Line arrays, keyed CustomField elements, a lookup), inbound and outbound,
 * next to a hand-written accessor doing the same work in the same run. Target (PERFORMANCE.md):
 * ≥ 0.5× the hand-written accessor. Runs alternate (hand, compiled, hand, …) so machine noise
 * cancels; the table prints medians of records/s and the median of the per-round ratios.
 *
 *   pnpm exec vitest bench --run packages/core/src/transform
 */
import { test } from 'vitest';
import { compileMappings } from './compile-mappings.js';
import type { MappingSpec } from './mapping-spec.js';

const N = 100_000;
const ROUNDS = 15;
const WARM_UP = 5;

const specs: MappingSpec[] = [
  { local: 'id', remote: '$.Id', required: true },
  { local: 'docNumber', remote: '$.DocNumber' },
  { local: 'txnDate', remote: '$.TxnDate' },
  { local: 'dueDate', remote: '$.DueDate' },
  { local: 'total', remote: '$.TotalAmt' },
  { local: 'balance', remote: '$.Balance' },
  { local: 'customer.id', remote: '$.CustomerRef.value' },
  { local: 'customer.name', remote: '$.CustomerRef.name' },
  { local: 'billing.line1', remote: '$.BillAddr.Line1' },
  { local: 'billing.city', remote: '$.BillAddr.City' },
  { local: 'firstLine.amount', remote: '$.Line[0].Amount' },
  { local: 'firstLine.description', remote: '$.Line[0].Description' },
  { local: 'region', remote: "$.CustomField[?(@.DefinitionId=='1' && @.Name=='Region')].StringValue" },
  { local: 'po', remote: "$.CustomField[?(@.DefinitionId=='2' && @.Name=='PO')].StringValue" },
  {
    local: 'status',
    remote: '$.Active',
    transform: { type: 'lookup', map: { true: 'active', false: 'archived' } },
  },
];
const mapping = compileMappings(specs);

function makeInvoice(i: number): Record<string, unknown> {
  return {
    Id: String(i),
    SyncToken: '0',
    DocNumber: `INV-${i}`,
    TxnDate: '2026-01-15',
    DueDate: '2026-02-14',
    TotalAmt: (i % 10_000) / 100,
    Balance: (i % 500) / 100,
    Active: i % 7 !== 0,
    CustomerRef: { value: String(i % 1000), name: `Customer ${i % 1000}` },
    BillAddr: { Id: '1', Line1: `${i} Main St`, City: 'Springfield', CountrySubDivisionCode: 'CA' },
    Line: [
      { Id: '1', LineNum: 1, Amount: 10, Description: `Widget ${i}`, DetailType: 'SalesItemLineDetail' },
      { Id: '2', LineNum: 2, Amount: 20, Description: 'Gadget', DetailType: 'SalesItemLineDetail' },
      { Amount: 30, DetailType: 'SubTotalLineDetail' },
    ],
    CustomField: [
      { DefinitionId: '1', Name: 'Region', Type: 'StringType', StringValue: i % 2 ? 'West' : 'East' },
      { DefinitionId: '2', Name: 'PO', Type: 'StringType', StringValue: `PO-${i}` },
    ],
    MetaData: { CreateTime: '2026-01-15T10:00:00-08:00', LastUpdatedTime: '2026-01-16T10:00:00-08:00' },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the baseline is the untyped JS people write by hand
type Any = Record<string, any>;

function customField(record: Any, id: string, name: string): unknown {
  const fields = record.CustomField;
  if (!Array.isArray(fields)) return null;
  for (const f of fields) if (f?.DefinitionId === id && f.Name === name) return f.StringValue ?? null;
  return null;
}

/** What a developer writes by hand for the same 15 fields (same null-for-missing semantics). */
function handInbound(r: Any): Record<string, unknown> {
  return {
    id: r.Id ?? null,
    docNumber: r.DocNumber ?? null,
    txnDate: r.TxnDate ?? null,
    dueDate: r.DueDate ?? null,
    total: r.TotalAmt ?? null,
    balance: r.Balance ?? null,
    customer: { id: r.CustomerRef?.value ?? null, name: r.CustomerRef?.name ?? null },
    billing: { line1: r.BillAddr?.Line1 ?? null, city: r.BillAddr?.City ?? null },
    firstLine: { amount: r.Line?.[0]?.Amount ?? null, description: r.Line?.[0]?.Description ?? null },
    region: customField(r, '1', 'Region'),
    po: customField(r, '2', 'PO'),
    status: r.Active === true ? 'active' : r.Active === false ? 'archived' : null,
  };
}

function handOutbound(l: Any): Record<string, unknown> {
  return {
    Id: l.id ?? null,
    DocNumber: l.docNumber ?? null,
    TxnDate: l.txnDate ?? null,
    DueDate: l.dueDate ?? null,
    TotalAmt: l.total ?? null,
    Balance: l.balance ?? null,
    CustomerRef: { value: l.customer?.id ?? null, name: l.customer?.name ?? null },
    BillAddr: { Line1: l.billing?.line1 ?? null, City: l.billing?.city ?? null },
    Line: [{ Amount: l.firstLine?.amount ?? null, Description: l.firstLine?.description ?? null }],
    CustomField: [
      { DefinitionId: '1', Name: 'Region', StringValue: l.region ?? null },
      { DefinitionId: '2', Name: 'PO', StringValue: l.po ?? null },
    ],
    Active: l.status === 'active' ? true : l.status === 'archived' ? false : null,
  };
}

const invoices = Array.from({ length: N }, (_, i) => makeInvoice(i));
const locals = invoices.map((r) => handInbound(r));
// Results are kept (as the engine keeps a page of mapped records), so no side can be optimised away.
const kept: unknown[] = new Array(N);

type RunName = 'handIn' | 'compiledIn' | 'handOut' | 'compiledOut';
const runs: Record<RunName, () => void> = {
  handIn: () => {
    for (let i = 0; i < N; i++) kept[i] = handInbound(invoices[i]!);
  },
  compiledIn: () => {
    for (let i = 0; i < N; i++) kept[i] = mapping.inbound(invoices[i]!);
  },
  handOut: () => {
    for (let i = 0; i < N; i++) kept[i] = handOutbound(locals[i]!);
  },
  compiledOut: () => {
    for (let i = 0; i < N; i++) kept[i] = mapping.outbound(locals[i]!);
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

test(`transformer: ${N} QuickBooks invoices, ${specs.length}-field mapping vs hand-written`, async ({
  bench,
}) => {
  // Warm up, then alternate so both sides see the same machine conditions.
  // (several passes: the optimising compiler settles only after a few hundred thousand calls).
  for (let i = 0; i < WARM_UP; i++) for (const run of Object.values(runs)) run();
  const samples: Record<RunName, number[]> = { handIn: [], compiledIn: [], handOut: [], compiledOut: [] };
  for (let round = 0; round < ROUNDS; round++)
    for (const name of Object.keys(runs) as RunName[]) {
      const start = performance.now();
      runs[name]();
      samples[name].push(performance.now() - start);
    }
  const perSecond = (name: RunName) => Math.round(N / (median(samples[name]) / 1000));
  const row = (direction: string, hand: RunName, compiled: RunName) => ({
    direction,
    'hand-written records/s': perSecond(hand).toLocaleString('en-US'),
    'compileMappings records/s': perSecond(compiled).toLocaleString('en-US'),
    // Each round's ratio, then the median: robust to the machine's load changing between rounds.
    'ratio (target >= 0.5)': median(samples[hand].map((t, i) => t / samples[compiled][i]!)).toFixed(2),
  });
  console.log(
    `\nTransformer: ${N.toLocaleString('en-US')} QuickBooks invoices, ${specs.length}-field mapping, median of ${ROUNDS} alternating rounds`,
  );
  console.table([row('inbound', 'handIn', 'compiledIn'), row('outbound', 'handOut', 'compiledOut')]);

  // The same comparison through vitest's benchmark runner, 1,000 invoices per iteration.
  const sample = invoices.slice(0, 1000);
  const sampleLocals = locals.slice(0, 1000);
  const out: unknown[] = new Array(1000);
  await bench.compare(
    bench('hand-written inbound (baseline)', () => {
      for (let i = 0; i < 1000; i++) out[i] = handInbound(sample[i]!);
    }),
    bench('compileMappings inbound', () => {
      for (let i = 0; i < 1000; i++) out[i] = mapping.inbound(sample[i]!);
    }),
  );
  await bench.compare(
    bench('hand-written outbound (baseline)', () => {
      for (let i = 0; i < 1000; i++) out[i] = handOutbound(sampleLocals[i]!);
    }),
    bench('compileMappings outbound', () => {
      for (let i = 0; i < 1000; i++) out[i] = mapping.outbound(sampleLocals[i]!);
    }),
  );
});

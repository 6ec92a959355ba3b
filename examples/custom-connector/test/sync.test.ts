import { describe, expect, it } from 'vitest';
import { runExample } from '../src/sync-example.js';

describe('syncing the Acme connector with createSyncBridge', () => {
  it('pulls contacts, pushes host changes, applies a webhook, and then has nothing left to do', async () => {
    const r = await runExample();
    expect(r.full.recordsCreated).toBe(3);
    expect(r.pushed).toMatchObject({ recordsCreated: 1, recordsUpdated: 1, recordsFailed: 0 });
    expect(r.reply.status).toBe(200);
    expect(r.grace).toMatchObject({ fullName: 'Grace Hopper', email: 'grace@navy.example' });
    expect(r.incremental).toMatchObject({ recordsCreated: 0, recordsUpdated: 0, recordsFailed: 0 });
    expect(r.acme.map((c) => [c.name, c.email, c.company])).toEqual([
      ['Ada Lovelace', 'ada.lovelace@acme.example', 'Analytical Engines Ltd'],
      ['Grace Hopper', 'grace@navy.example', null],
      ['Alan Turing', 'alan.turing@acme.example', null],
      ['Edsger Dijkstra', 'ewd@example.com', null],
    ]);
  });
});

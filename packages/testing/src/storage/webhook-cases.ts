import { isStorageError, isValidationError } from '@syncbridge/core';
import { describe, expect } from 'vitest';
import { type SuiteHarness, seedConfig } from './harness.js';

/** Webhook registrations, the webhook inbox and OAuth states. */
export function webhookCases(h: SuiteHarness): void {
  describe('webhook registrations', () => {
    h.case('registers a webhook and counts deliveries atomically', async () => {
      const { integration } = await seedConfig(h.storage);
      const hook = await h.storage.webhooks.create({
        integrationId: integration.id,
        provider: 'acme',
        url: 'https://host.example/webhooks/acme',
        events: ['customer.*'],
        secret: 'ciphertext',
      });
      expect(hook).toMatchObject({ active: true, totalReceived: 0, events: ['customer.*'] });
      const at = new Date('2026-03-01T00:00:00Z');
      await Promise.all(
        Array.from({ length: 20 }, () =>
          h.storage.webhooks.recordDelivery(hook.id, { received: 1, lastReceivedAt: at }),
        ),
      );
      await h.storage.webhooks.recordDelivery(hook.id, { processed: 15, failed: 2 });
      const after = await h.storage.webhooks.get(hook.id);
      expect(after).toMatchObject({ totalReceived: 20, totalProcessed: 15, totalFailed: 2 });
      expect(after?.lastReceivedAt?.toISOString()).toBe(at.toISOString());
      expect(await h.storage.webhooks.list({ integrationId: integration.id })).toHaveLength(1);
      expect((await h.storage.webhooks.update(hook.id, { active: false })).active).toBe(false);
      expect(await h.storage.webhooks.delete(hook.id)).toBe(true);
      expect(await h.storage.webhooks.get(hook.id)).toBeNull();
    });
  });

  describe('webhook events', () => {
    h.case(
      'stores an event once per provider event id, even under concurrent duplicate deliveries',
      async () => {
        const deliveries = await Promise.all(
          Array.from({ length: 10 }, () =>
            h.storage.webhookEvents.insert({
              provider: 'stripe',
              eventId: 'evt_1',
              eventType: 'customer.updated',
              payload: { id: 'evt_1', data: { object: { id: 'cus_1' } } },
            }),
          ),
        );
        expect(deliveries.filter((d) => d.inserted)).toHaveLength(1);
        expect(new Set(deliveries.map((d) => d.event.id)).size).toBe(1);
        if (h.probe)
          expect(await h.probe.count('webhook_events', { provider: 'stripe', event_id: 'evt_1' })).toBe(1);
        // The same event id from another provider is another event.
        const other = await h.storage.webhookEvents.insert({
          provider: 'quickbooks',
          eventId: 'evt_1',
          payload: {},
        });
        expect(other.inserted).toBe(true);
        const stored = await h.storage.webhookEvents.getByEventId('stripe', 'evt_1');
        expect(stored).toMatchObject({ status: 'pending', retryCount: 0, eventType: 'customer.updated' });
        expect(stored?.payload).toEqual({ id: 'evt_1', data: { object: { id: 'cus_1' } } });
      },
    );

    h.case('claims due events once, with a lease that lapses for a crashed worker', async () => {
      const now = new Date('2026-05-01T12:00:00Z');
      for (let i = 0; i < 5; i++) {
        await h.storage.webhookEvents.insert({
          provider: 'p',
          eventId: `e${i}`,
          payload: { i },
          receivedAt: new Date(now.getTime() - 1000 * (10 - i)),
        });
      }
      const later = await h.storage.webhookEvents.insert({ provider: 'p', eventId: 'later', payload: {} });
      await h.storage.webhookEvents.update(later.event.id, {
        nextAttemptAt: new Date(now.getTime() + 60_000),
      });
      const [a, b] = await Promise.all([
        h.storage.webhookEvents.claim({ limit: 3, leaseMs: 30_000, now }),
        h.storage.webhookEvents.claim({ limit: 3, leaseMs: 30_000, now }),
      ]);
      const claimed = [...a!, ...b!].map((e) => e.eventId);
      expect(claimed.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
      expect(a!.every((e) => e.status === 'processing')).toBe(true);
      expect(await h.storage.webhookEvents.claim({ now })).toEqual([]);
      // The worker crashed: after the lease, the events are claimable again.
      const retaken = await h.storage.webhookEvents.claim({
        now: new Date(now.getTime() + 31_000),
        limit: 100,
      });
      expect(retaken.map((e) => e.eventId).sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
      const final = await h.storage.webhookEvents.claim({
        now: new Date(now.getTime() + 120_000),
        limit: 100,
      });
      expect(final.map((e) => e.eventId)).toContain('later');
    });

    h.case('records processing outcomes and lists events by status', async () => {
      const { event } = await h.storage.webhookEvents.insert({ provider: 'p', eventId: 'e1', payload: {} });
      await h.storage.webhookEvents.insert({ provider: 'p', eventId: 'e2', payload: {} });
      await h.storage.webhookEvents.update(event.id, {
        status: 'failed',
        retryCount: 5,
        error: 'provider 500',
      });
      expect(await h.storage.webhookEvents.list({ status: 'failed' })).toMatchObject([
        { eventId: 'e1', retryCount: 5, error: 'provider 500' },
      ]);
      expect(await h.storage.webhookEvents.list({ provider: 'p' })).toHaveLength(2);
      const bad = await h.storage.webhookEvents.update(event.id, { status: 'lost' as never }).catch((e) => e);
      expect(isValidationError(bad)).toBe(true);
    });
  });

  describe('OAuth states', () => {
    h.case('consumes an OAuth state exactly once, even under concurrent callbacks', async () => {
      const input = {
        state: 's'.repeat(32),
        organizationId: 'org_1',
        provider: 'quickbooks',
        userId: 'u1',
        redirectUri: 'https://host.example/cb',
        codeVerifier: 'cipher',
        scopes: ['com.intuit.quickbooks.accounting'],
        expiresAt: new Date(Date.now() + 600_000),
      };
      await h.storage.oauthStates.create(input);
      const dup = await h.storage.oauthStates.create(input).catch((e) => e);
      expect(isStorageError(dup) && dup.code === 'STORAGE_UNIQUE_VIOLATION').toBe(true);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => h.storage.oauthStates.consume(input.state)),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ organizationId: 'org_1', userId: 'u1', scopes: input.scopes });
      expect(await h.storage.oauthStates.consume(input.state)).toBeNull();
      if (h.probe) expect(await h.probe.count('oauth_states')).toBe(0);
    });

    h.case('deletes expired OAuth states', async () => {
      const base = { organizationId: 'o', provider: 'p', redirectUri: 'https://h/cb' };
      await h.storage.oauthStates.create({
        ...base,
        state: 'a'.repeat(20),
        expiresAt: new Date(Date.now() - 1000),
      });
      await h.storage.oauthStates.create({
        ...base,
        state: 'b'.repeat(20),
        expiresAt: new Date(Date.now() + 60_000),
      });
      expect(await h.storage.oauthStates.deleteExpired(new Date())).toBe(1);
      expect(await h.storage.oauthStates.consume('a'.repeat(20))).toBeNull();
      expect(await h.storage.oauthStates.consume('b'.repeat(20))).not.toBeNull();
    });
  });
}

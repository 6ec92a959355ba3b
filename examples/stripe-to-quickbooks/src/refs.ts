import { localIdFor, type StorageAdapter } from '@syncbridge/core';

/**
 * Cross-entity references (an invoice's customer), translated between id spaces.
 *
 * - Stripe → app: the app's id for a Stripe customer is known without a lookup, because the
 *   engine derives host ids from (sync config, remote id) with `localIdFor`.
 * - app → QuickBooks: an invoice must name the QuickBooks Customer Id, which only exists once
 *   the customer was pushed. Mapping computes are synchronous, so the links of the customer sync
 *   are loaded into memory (`load`) before invoices and payments are pushed. An invoice whose
 *   customer is not in QuickBooks yet fails that record with a clear reason; the next run retries it.
 */
export class RefIndex {
  readonly #storage: StorageAdapter;
  readonly #localToRemote = new Map<string, Map<string, string>>();
  readonly #remoteToLocal = new Map<string, Map<string, string>>();
  /** Sync config ids by role, filled in after `sync.configure`. */
  readonly configs: { stripeCustomer?: string; qboCustomer?: string } = {};

  constructor(storage: StorageAdapter) {
    this.#storage = storage;
  }

  /** The app's id of the customer Stripe calls `stripeCustomerId`. */
  localFromStripeCustomer(stripeCustomerId: string): string {
    if (!this.configs.stripeCustomer) throw new Error('the Stripe customer sync is not configured yet');
    return localIdFor(this.configs.stripeCustomer, stripeCustomerId);
  }

  /** The QuickBooks Customer Id of the app's customer `localId`. */
  qboCustomerOf(localId: string): string {
    const id = this.#localToRemote.get(this.configs.qboCustomer ?? '')?.get(localId);
    if (!id)
      throw new Error(
        `customer ${localId} is not in QuickBooks yet (it is pushed by the Customer sync); this record is retried by the next run`,
      );
    return id;
  }

  /** The app's id of QuickBooks Customer `qboId`. */
  localOfQboCustomer(qboId: string): string {
    const id = this.#remoteToLocal.get(this.configs.qboCustomer ?? '')?.get(qboId);
    if (!id)
      throw new Error(
        `QuickBooks Customer ${qboId} is not linked to a customer of the app yet; retried by the next run`,
      );
    return id;
  }

  /** Reads every link of a sync config (pages of 500) into memory. */
  async load(syncConfigId: string): Promise<void> {
    const map = new Map<string, string>();
    const reverse = new Map<string, string>();
    let after: string | undefined;
    for (;;) {
      const page = await this.#storage.syncRecords.list({
        syncConfigId,
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const link of page) {
        if (!link.localId || !link.remoteId) continue;
        map.set(link.localId, link.remoteId);
        reverse.set(link.remoteId, link.localId);
      }
      if (page.length < 500) break;
      after = page.at(-1)!.id;
    }
    this.#localToRemote.set(syncConfigId, map);
    this.#remoteToLocal.set(syncConfigId, reverse);
  }
}

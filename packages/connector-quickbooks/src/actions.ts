import type { ActionDefinition } from '@syncbridge/core';
import { z } from 'zod';
import { parseRecord, qboRequest, requestIdFor } from './entities/request.js';
import { invoiceSchema, type QboInvoice } from './entities/schemas.js';

const voidInput = z.object({
  id: z.string().regex(/^\d+$/),
  /** The invoice's current SyncToken; a stale one fails with ConflictError STALE_VERSION. */
  version: z.string(),
  /** The same for every retry of this void. */
  idempotencyKey: z.string().min(1),
});

/**
 * `voidInvoice`: `POST /invoice?operation=void`. The invoice stays, with zero amounts; use it
 * instead of delete when the books must keep the document.
 *
 * ```ts
 * await connector.actions.voidInvoice.run(ctx, { id: '33', version: '2', idempotencyKey: 'void-33' });
 * ```
 */
export function voidInvoiceAction(
  minorVersion: number,
): ActionDefinition<z.infer<typeof voidInput>, QboInvoice> {
  return {
    input: voidInput,
    output: invoiceSchema,
    run: async (ctx, input) => {
      const data = await qboRequest<{ Invoice?: unknown }>(ctx, minorVersion, {
        method: 'POST',
        resource: 'invoice',
        query: {
          operation: 'void',
          requestid: requestIdFor(input.idempotencyKey, 'Invoice', `void:${input.version}`),
        },
        json: { Id: input.id, SyncToken: input.version },
        idempotencyKey: input.idempotencyKey,
      });
      return parseRecord(invoiceSchema, data.Invoice, 'quickbooks.voidInvoice');
    },
  };
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs a webhook body the way Stripe does: HMAC-SHA256 over `${timestamp}.${payload}`, keyed by
 * the whole `whsec_…` string (not base64-decoded), as lower-case hex.
 *
 * ```ts
 * const v1 = stripeSignature('{"id":"evt_1","object":"event"}', 'whsec_test_secret', 1700000000);
 * const header = `t=1700000000,v1=${v1}`;
 * ```
 */
export function stripeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

/** The parts of a `Stripe-Signature` header; unknown schemes (v0, …) are kept apart and never trusted. */
export interface ParsedStripeSignature {
  readonly timestamp: number | undefined;
  readonly v1: readonly string[];
  readonly otherSchemes: readonly string[];
}

/** Parses `t=…,v1=…[,v1=…][,v0=…]`; malformed parts are ignored. */
export function parseStripeSignatureHeader(header: string): ParsedStripeSignature {
  let timestamp: number | undefined;
  const v1: string[] = [];
  const otherSchemes: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      timestamp = /^\d+$/.test(value) ? Number(value) : undefined;
    } else if (key === 'v1') {
      v1.push(value);
    } else {
      otherSchemes.push(key);
    }
  }
  return { timestamp, v1, otherSchemes };
}

/** Compares two hex signatures in constant time (for equal lengths; a length mismatch is simply false). */
export function signaturesEqual(expectedHex: string, candidateHex: string): boolean {
  if (!/^[0-9a-f]+$/i.test(candidateHex)) return false;
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(candidateHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

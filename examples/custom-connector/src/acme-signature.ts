import { createHmac } from 'node:crypto';

/** Acme CRM's webhook signature: `sha256=<hex HMAC-SHA256(secret, raw body)>`, in the `acme-signature` header. */
export function signAcmeWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

import type { WebhookDelivery, WebhookReply } from '../webhook-receiver.js';

/** The part of a bridge the adapters need. */
export interface WebhookSink {
  webhooks: { receive(delivery: WebhookDelivery): Promise<WebhookReply> };
}

/** Which provider a request is for: fixed, or read from the request path (`/webhooks/:provider`). */
export type ProviderOption = string | ((path: string) => string | undefined);

export function providerOf(option: ProviderOption, path: string): string | undefined {
  return typeof option === 'string' ? option : option(path);
}

/** Reads the last path segment: `/webhooks/stripe` → `stripe`. */
export const lastPathSegment = (path: string) => path.split('?')[0]!.split('/').filter(Boolean).at(-1);

export const DEFAULT_MAX_BYTES = 1_048_576;

export * from './adapters/index.js';
export type { ProcessorOptions, WebhookProcessor } from './webhook-processor.js';
export type { SecretOpener, WebhookDelivery, WebhookRejections, WebhookReply } from './webhook-receiver.js';

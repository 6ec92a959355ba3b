export * from './adapters/index.js';
export { type ProcessorOptions, WebhookProcessor } from './webhook-processor.js';
export {
  createWebhookReceiver,
  type SecretOpener,
  type WebhookDelivery,
  type WebhookRejections,
  type WebhookReply,
} from './webhook-receiver.js';

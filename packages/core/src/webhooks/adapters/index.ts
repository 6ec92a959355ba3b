export { expressWebhookHandler } from './express-handler.js';
export { fastifyWebhookPlugin } from './fastify-plugin.js';
export { fetchWebhookHandler } from './fetch-handler.js';
export { nodeWebhookHandler, readRawBody } from './node-handler.js';
export type { ProviderOption, WebhookSink } from './types.js';

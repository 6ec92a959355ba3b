import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../../errors/config-error.js';
import { readRawBody } from './node-handler.js';
import {
  DEFAULT_MAX_BYTES,
  lastPathSegment,
  type ProviderOption,
  providerOf,
  type WebhookSink,
} from './types.js';

/** The parts of an Express (4 or 5) request and response this handler uses. */
interface ExpressLikeRequest extends IncomingMessage {
  body?: unknown;
  originalUrl?: string;
  params?: Record<string, string>;
}
interface ExpressLikeResponse extends ServerResponse {
  status(code: number): ExpressLikeResponse;
  json(body: unknown): unknown;
}

/**
 * An Express route handler for webhooks. Mount it before any JSON body parser runs on its path,
 * or behind `express.raw({ type: '*\/*' })`: it needs the raw bytes. A body some middleware
 * already parsed into an object cannot be verified, and is refused with an error that says so.
 *
 * ```ts
 * app.post('/webhooks/:provider', express.raw({ type: '*\/*' }), expressWebhookHandler(bridge));
 * ```
 */
export function expressWebhookHandler(
  bridge: WebhookSink,
  options: { provider?: ProviderOption; maxBytes?: number } = {},
) {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return async (
    req: ExpressLikeRequest,
    res: ExpressLikeResponse,
    next?: (error?: unknown) => void,
  ): Promise<void> => {
    try {
      const provider =
        req.params?.provider ??
        providerOf(options.provider ?? lastPathSegment, req.originalUrl ?? req.url ?? '/');
      if (!provider) {
        res.status(404).json({ error: 'no provider in the path' });
        return;
      }
      let body: Buffer | string | null;
      if (Buffer.isBuffer(req.body) || typeof req.body === 'string') body = req.body;
      else if (req.body === undefined && !req.readableEnded) body = await readRawBody(req, maxBytes);
      else {
        throw new ConfigError(
          'expressWebhookHandler: the request body was already parsed (express.json()?), so its signature cannot be verified. Mount express.raw({ type: "*/*" }) on the webhook route instead.',
        );
      }
      if (body === null || (typeof body !== 'string' && body.byteLength > maxBytes)) {
        res.status(413).json({ error: `body over ${maxBytes} bytes` });
        return;
      }
      const reply = await bridge.webhooks.receive({ provider, headers: req.headers, body });
      res.status(reply.status).json(reply.body ?? {});
    } catch (error) {
      if (next) next(error);
      else res.status(500).json({ error: 'webhook could not be stored' });
    }
  };
}

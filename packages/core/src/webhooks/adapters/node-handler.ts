import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_MAX_BYTES,
  lastPathSegment,
  type ProviderOption,
  providerOf,
  type WebhookSink,
} from './types.js';

/** Reads a request's raw body, stopping (and saying so) once it passes `limit` bytes. */
export async function readRawBody(req: AsyncIterable<unknown>, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.byteLength;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body ?? {}));
}

/**
 * A `node:http` request handler for webhooks: reads the raw bytes (never a parsed body, which
 * would break signatures), refuses more than `maxBytes`, and answers what the bridge says.
 *
 * ```ts
 * http.createServer(nodeWebhookHandler(bridge)).listen(3000); // POST /webhooks/stripe
 * ```
 */
export function nodeWebhookHandler(
  bridge: WebhookSink,
  options: { provider?: ProviderOption; maxBytes?: number } = {},
) {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== 'POST') return send(res, 405, { error: 'webhooks are POSTed' });
      const provider = providerOf(options.provider ?? lastPathSegment, req.url ?? '/');
      if (!provider) return send(res, 404, { error: 'no provider in the path' });
      const body = await readRawBody(req, maxBytes);
      if (!body) return send(res, 413, { error: `body over ${maxBytes} bytes` });
      const reply = await bridge.webhooks.receive({ provider, headers: req.headers, body });
      send(res, reply.status, reply.body);
    } catch {
      // Not stored: answer 500 so the provider retries later.
      if (!res.headersSent) send(res, 500, { error: 'webhook could not be stored' });
    }
  };
}

import { lastPathSegment, type ProviderOption, providerOf, type WebhookSink } from './types.js';

/**
 * A webhook endpoint as a Fetch API handler, `(Request) => Promise<Response>`: for Hono, Next.js
 * route handlers, Bun, Deno and workers. It reads the raw bytes itself.
 *
 * ```ts
 * const handle = fetchWebhookHandler(bridge);            // provider from the last path segment
 * app.post('/webhooks/:provider', (c) => handle(c.req.raw)); // Hono
 * ```
 */
export function fetchWebhookHandler(bridge: WebhookSink, options: { provider?: ProviderOption } = {}) {
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const provider = providerOf(options.provider ?? lastPathSegment, path);
    if (!provider) return Response.json({ error: 'no provider in the path' }, { status: 404 });
    const body = new Uint8Array(await request.arrayBuffer());
    const reply = await bridge.webhooks.receive({ provider, headers: request.headers, body });
    return Response.json(reply.body ?? {}, { status: reply.status });
  };
}

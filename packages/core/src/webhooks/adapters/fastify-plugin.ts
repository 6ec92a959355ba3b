import { DEFAULT_MAX_BYTES, type WebhookSink } from './types.js';

/** The parts of a Fastify (4 or 5) instance the plugin uses. */
interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit?: number },
    parser: (req: unknown, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  post(
    path: string,
    handler: (
      request: {
        params: Record<string, string>;
        headers: Record<string, string | string[] | undefined>;
        body: unknown;
      },
      reply: { code(status: number): { send(body: unknown): unknown } },
    ) => Promise<unknown>,
  ): void;
}

/**
 * A Fastify plugin that mounts `POST <prefix>/:provider` with every body kept as raw bytes: it
 * replaces the content-type parsers inside its own (encapsulated) scope only, so the rest of the
 * app keeps parsing JSON.
 *
 * ```ts
 * app.register(fastifyWebhookPlugin(bridge), { prefix: '/webhooks' });
 * ```
 */
export function fastifyWebhookPlugin(bridge: WebhookSink, options: { maxBytes?: number } = {}) {
  const bodyLimit = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Typed loosely on purpose: Fastify's own types would make it a dependency of core.
  return async (instance: unknown): Promise<void> => {
    const app = instance as FastifyLike;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    app.post('/:provider', async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await bridge.webhooks.receive({
        provider: request.params.provider!,
        headers: request.headers,
        body,
      });
      return reply.code(result.status).send(result.body ?? {});
    });
  };
}

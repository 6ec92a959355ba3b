import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeWebhookHandler, type SyncBridge } from '@syncbridge/core';

export interface WebhookServer {
  /** `http://127.0.0.1:<port>`; providers POST to `<url>/webhooks/<provider>`. */
  readonly url: string;
  /** Resolves with the query of the next request to `/oauth/quickbooks/callback` (the OAuth redirect). */
  nextOAuthCallback(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The host's HTTP endpoint: `POST /webhooks/:provider` goes to `nodeWebhookHandler` (raw bytes,
 * signature checked, stored, answered 200, processed afterwards), and
 * `GET /oauth/quickbooks/callback` receives Intuit's redirect (used with the real sandbox).
 */
export async function startWebhookServer(bridge: SyncBridge, port: number): Promise<WebhookServer> {
  const webhooks = nodeWebhookHandler(bridge);
  const waiting: ((url: string) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path?.startsWith('/webhooks/')) return void webhooks(req, res);
    if (path === '/oauth/quickbooks/callback') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('QuickBooks is connected. You can close this tab and return to the terminal.');
      for (const resolve of waiting.splice(0)) resolve(req.url ?? '/');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    nextOAuthCallback: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the demo keeps everything: PGlite's files, the fakes' state and the encryption key. */
export const DATA_DIR = resolve(
  process.env.SYNCBRIDGE_DATA_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.data'),
);

/**
 * Real providers are used when their credentials are in the environment; otherwise the loopback
 * fakes. Each provider switches on its own, so you can try real Stripe with the fake QuickBooks.
 */
export interface Settings {
  stripe: { mode: 'fake' } | { mode: 'real'; apiKey: string; webhookSecret: string | null };
  quickbooks:
    | { mode: 'fake' }
    | {
        mode: 'real';
        clientId: string;
        clientSecret: string;
        redirectUri: string;
        verifierToken: string | null;
        itemId: string;
      };
  /** Port of the local webhook receiver (0: any free port). */
  webhookPort: number;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const { STRIPE_API_KEY, QBO_CLIENT_ID, QBO_CLIENT_SECRET } = env;
  if ((QBO_CLIENT_ID && !QBO_CLIENT_SECRET) || (!QBO_CLIENT_ID && QBO_CLIENT_SECRET))
    throw new Error('Set both QBO_CLIENT_ID and QBO_CLIENT_SECRET (or neither, to use the fake QuickBooks).');
  return {
    stripe: STRIPE_API_KEY
      ? { mode: 'real', apiKey: STRIPE_API_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? null }
      : { mode: 'fake' },
    quickbooks:
      QBO_CLIENT_ID && QBO_CLIENT_SECRET
        ? {
            mode: 'real',
            clientId: QBO_CLIENT_ID,
            clientSecret: QBO_CLIENT_SECRET,
            redirectUri: env.QBO_REDIRECT_URI ?? 'http://localhost:3000/oauth/quickbooks/callback',
            verifierToken: env.QBO_WEBHOOK_VERIFIER_TOKEN ?? null,
            itemId: env.QBO_ITEM_ID ?? '1',
          }
        : { mode: 'fake' },
    webhookPort: Number(env.WEBHOOK_PORT ?? 0),
  };
}

/**
 * The 32-byte key SyncBridge encrypts credentials with: `SYNCBRIDGE_ENCRYPTION_KEY` (base64), or
 * one generated on the first run into `<dataDir>/encryption-key` (mode 0600). In production keep
 * it in your secret manager, never next to the database.
 */
export async function encryptionKey(): Promise<string> {
  if (process.env.SYNCBRIDGE_ENCRYPTION_KEY) return process.env.SYNCBRIDGE_ENCRYPTION_KEY;
  const file = join(DATA_DIR, 'encryption-key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}

import { z } from 'zod';
import type { Connector } from '../connector/connector.js';
import { ConfigError } from '../errors/config-error.js';
import type { LocalStore } from '../local/local-store.js';
import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { EngineOptions } from '../sync/engine.js';
import type { SchedulerOptions } from '../sync/scheduler.js';
import type { ComputeFunction } from '../transform/index.js';
import type { EncryptionKey } from '../vault/index.js';
import type { ProcessorOptions } from '../webhooks/webhook-processor.js';

/** What `createSyncBridge` takes. Checked once at construction; a misconfiguration throws `ConfigError` listing every problem. */
export interface SyncBridgeOptions {
  /** Where SyncBridge keeps its own state: `memoryStorage()` or `postgresStorage({ pool })`. */
  storage: StorageAdapter;
  /** 32-byte keys for credentials at rest; the first encrypts, all decrypt (key rotation). */
  encryptionKeys: readonly EncryptionKey[];
  connectors: readonly Connector[];
  /** The host's data per local entity name. */
  local: Readonly<Record<string, LocalStore>>;
  /** Named functions for `compute` transforms. */
  computes?: Readonly<Record<string, ComputeFunction>>;
  logger?: Logger;
  scheduler?: SchedulerOptions;
  /** Webhook inbox processing: retries, backoff, lease, and the body size limit (default 1 MB). */
  webhooks?: ProcessorOptions & { maxBodyBytes?: number };
  engine?: EngineOptions;
  /** Run `storage.migrate()` at the first call (default true). */
  migrate?: boolean;
  /** The clock (tests). */
  now?: () => Date;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

const optionsShape = z.object({
  storage: z.looseObject({
    integrations: z.object({}).loose(),
    syncRecords: z.object({}).loose(),
    transaction: fn,
    withLock: fn,
    migrate: fn,
  }),
  encryptionKeys: z
    .array(z.object({ kid: z.string().min(1), key: z.any() }).loose())
    .min(1, 'at least one key is needed'),
  connectors: z.array(z.looseObject({ provider: z.string(), entities: z.object({}).loose() })),
  local: z.record(z.string(), z.looseObject({ get: fn, upsert: fn, delete: fn })),
  computes: z.record(z.string(), z.object({}).loose()).optional(),
  logger: z.looseObject({ trace: fn, debug: fn, info: fn, warn: fn, error: fn }).optional(),
  scheduler: z
    .object({
      tickMs: z.number().int().positive().optional(),
      concurrency: z.number().int().positive().optional(),
    })
    .optional(),
  engine: z
    .object({
      configConcurrency: z.number().int().positive().optional(),
      failuresBeforeError: z.number().int().positive().optional(),
      writeBatchSize: z.number().int().positive().max(10_000).optional(),
      pushConcurrency: z.number().int().positive().max(64).optional(),
    })
    .optional(),
  webhooks: z
    .object({
      maxAttempts: z.number().int().positive().optional(),
      baseDelayMs: z.number().int().nonnegative().optional(),
      maxDelayMs: z.number().int().positive().optional(),
      leaseMs: z.number().int().positive().optional(),
      batchSize: z.number().int().positive().optional(),
      maxBodyBytes: z.number().int().positive().optional(),
    })
    .optional(),
  migrate: z.boolean().optional(),
  now: fn.optional(),
});

/** Validates the options and returns a frozen copy; throws one `ConfigError` listing every problem. */
export function checkOptions(options: SyncBridgeOptions): Readonly<SyncBridgeOptions> {
  const result = optionsShape.safeParse(options);
  const problems = result.success
    ? []
    : result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const providers = new Set<string>();
  for (const c of options?.connectors ?? []) {
    if (providers.has(c.provider)) problems.push(`connectors: two connectors for provider "${c.provider}"`);
    providers.add(c.provider);
  }
  if (problems.length) {
    throw new ConfigError(`createSyncBridge: invalid options. ${problems.join('; ')}`, { problems });
  }
  return Object.freeze({ ...options, connectors: [...options.connectors], local: { ...options.local } });
}

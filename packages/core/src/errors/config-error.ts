import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/**
 * The SDK was set up wrongly: bad options at construction, a bad mapping, a missing or wrong
 * encryption key. Thrown at start-up where possible, so it shows up in a deploy, not at 3 a.m.
 * `problems` lists every problem found, each with its path.
 */
export class ConfigError extends SyncBridgeError {
  override name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(message: string, options: SyncBridgeErrorOptions & { problems?: readonly string[] } = {}) {
    super(message, { ...options, defaultCode: 'CONFIG_INVALID' });
    this.problems = options.problems ?? [];
  }
}

export const isConfigError = errorGuard(ConfigError, 'ConfigError');

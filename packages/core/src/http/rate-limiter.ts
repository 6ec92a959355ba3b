import PQueue from 'p-queue';
import type { RateLimitSpec } from '../connector/connector.js';

/**
 * Rate limiters shared by every HTTP client that is given the registry: one `p-queue` per
 * scope (a QuickBooks realm, a Stripe key), built from the first `RateLimitSpec` seen for that
 * scope. `pause` stops a whole scope, so one 429 holds back every request of the scope instead
 * of each discovering the limit on its own. In-process only: across processes each instance
 * keeps its own share.
 *
 * ```ts
 * const limiter = createRateLimiterRegistry();
 * await limiter.schedule('realm:123', { requests: 500, intervalMs: 60_000, concurrency: 10 }, () => fetchSomething());
 * ```
 */
export interface RateLimiterRegistry {
  /** Runs `fn` when the scope has room and is not paused. Rejects with the signal's reason if it aborts while waiting. */
  schedule<T>(
    scope: string,
    spec: RateLimitSpec | undefined,
    fn: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
  /** Holds every request of the scope for `ms` (extends, never shortens, a running pause). */
  pause(scope: string, ms: number): void;
  /** Milliseconds the scope stays paused; 0 when it is not. */
  pausedFor(scope: string): number;
}

interface Scope {
  queue: PQueue;
  /** False while the scope was only paused and no request brought its spec yet. */
  limited: boolean;
  resumeAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

function queueFor(spec: RateLimitSpec | undefined): PQueue {
  return spec
    ? new PQueue({
        concurrency: spec.concurrency ?? Number.POSITIVE_INFINITY,
        intervalCap: spec.requests,
        interval: spec.intervalMs,
      })
    : new PQueue();
}

/**
 * Creates an empty registry. Share one per process (the auth manager does) so all clients of a
 * scope share its limit.
 *
 * ```ts
 * const limiter = createRateLimiterRegistry();
 * const auth = createAuthManager({ storage, vault, connectors, limiter });
 * ```
 */
export function createRateLimiterRegistry(options: { now?: () => number } = {}): RateLimiterRegistry {
  const now = options.now ?? Date.now;
  const scopes = new Map<string, Scope>();

  function scopeFor(name: string, spec: RateLimitSpec | undefined): Scope {
    let scope = scopes.get(name);
    if (!scope) {
      scope = { queue: queueFor(spec), limited: spec !== undefined, resumeAt: 0, timer: undefined };
      scopes.set(name, scope);
    } else if (!scope.limited && spec !== undefined && scope.queue.size === 0 && scope.queue.pending === 0) {
      // The scope was created by a pause before any request: give it its limits now.
      const paused = scope.queue.isPaused;
      scope.queue = queueFor(spec);
      scope.limited = true;
      if (paused) scope.queue.pause();
    }
    return scope;
  }

  return {
    schedule(name, spec, fn, signal) {
      const scope = scopeFor(name, spec);
      return scope.queue.add(() => fn(), signal ? { signal } : {});
    },
    pause(name, ms) {
      const scope = scopeFor(name, undefined);
      const resumeAt = now() + ms;
      if (ms <= 0 || resumeAt <= scope.resumeAt) return;
      scope.resumeAt = resumeAt;
      scope.queue.pause();
      if (scope.timer) clearTimeout(scope.timer);
      scope.timer = setTimeout(() => {
        scope.timer = undefined;
        scope.resumeAt = 0;
        scope.queue.start();
      }, ms);
    },
    pausedFor(name) {
      const scope = scopes.get(name);
      return scope ? Math.max(0, scope.resumeAt - now()) : 0;
    },
  };
}

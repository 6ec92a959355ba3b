import type { HttpRequest, QueryValue } from './http-client.js';

/** `base` + `path` (unless the path is absolute) with `query` appended; arrays repeat the key, null and undefined are left out. */
export function joinUrl(base: string, path: string, query: HttpRequest['query']): URL {
  const url = /^https?:\/\//i.test(path)
    ? new URL(path)
    : new URL(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query ?? {}) as [string, QueryValue][]) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
    else url.searchParams.append(key, String(value));
  }
  return url;
}

/** Waits `ms` on the (fakeable) timer, or rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Response headers as `mapError` sees them: without `set-cookie`. */
export function responseHeaders(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete('set-cookie');
  return copy;
}

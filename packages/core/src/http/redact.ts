/**
 * Secret redaction for everything core writes into logs, error messages and `cause` chains.
 * Two layers: the known secret values of the connection (tokens, keys, client secret) are
 * replaced wherever they appear, and well-known shapes (`Bearer …`, `access_token=…`,
 * `"refresh_token": "…"`) are masked even when the value is not known.
 */

export const REDACTED = '[redacted]';

const PATTERNS: readonly RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /((?:access|refresh|id)_token|client_secret|api_?key|password|secret|code_verifier)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
  /\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]+/g,
  /\bwhsec_[A-Za-z0-9_]+/g,
];

/** Replaces known secret values and secret-looking shapes in `text`. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(PATTERNS[0] as RegExp, `$1 ${REDACTED}`);
  out = out.replace(PATTERNS[1] as RegExp, `$1$2${REDACTED}`);
  out = out.replace(PATTERNS[2] as RegExp, REDACTED);
  return out.replace(PATTERNS[3] as RegExp, REDACTED);
}

/** The path of a URL for messages and logs: no query string, no fragment, no credentials. */
export function safePath(url: URL): string {
  return url.pathname;
}

/**
 * Rewrites `message` and `stack` of an error (and of each error in its `cause` chain) so no
 * known secret appears in them. Used on errors a connector's `mapError` returns, which core did
 * not build itself.
 */
export function scrubError<E>(error: E, secrets: readonly string[]): E {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    const clean = redactText(current.message, secrets);
    if (clean !== current.message) {
      Object.defineProperty(current, 'message', { value: clean, writable: true, configurable: true });
    }
    if (current.stack !== undefined) {
      const stack = redactText(current.stack, secrets);
      if (stack !== current.stack) {
        Object.defineProperty(current, 'stack', { value: stack, writable: true, configurable: true });
      }
    }
    current = current.cause;
  }
  return error;
}

/** A plain, secret-free stand-in for an error that came from outside core (fetch, ky, undici). */
export function sanitizedCause(
  error: unknown,
  secrets: readonly string[] = [],
): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
    const inner = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      name: error.name,
      message: redactText(`${error.message}${inner}`, secrets),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: redactText(String(error), secrets) };
}

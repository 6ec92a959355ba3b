/**
 * A value that could not be read or converted. Returned (not thrown) by getters and converters
 * on the per-record path, and turned into one issue of that record's `ValidationError`.
 */
export class Failure {
  constructor(
    readonly message: string,
    readonly cause?: unknown,
    /** The issue code: `transform` (a conversion failed) or `ambiguous` (several elements matched). */
    readonly code: 'transform' | 'ambiguous' = 'transform',
  ) {}
}

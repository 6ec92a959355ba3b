import type { z } from 'zod';
import { ValidationError } from './validation-error.js';

/** Turns a zod error into a `ValidationError` whose message lists every issue with its path. */
export function fromZodError(operation: string, error: z.ZodError): ValidationError {
  const lines = error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
  return new ValidationError(`${operation}: invalid input. ${lines.join('; ')}`, {
    issues: error.issues.map((issue) => ({ path: issue.path, message: issue.message, code: issue.code })),
    cause: error,
  });
}

/**
 * Parses `value` with `schema` or throws a `ValidationError` naming the operation.
 *
 * ```ts
 * const input = parseWith(newIntegrationSchema, raw, 'integrations.create');
 * ```
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, operation: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(operation, result.error);
  return result.data;
}

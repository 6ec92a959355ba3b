/**
 * Iterates `source` one item ahead: while the caller works on a page, the next one is already
 * being fetched. At most one extra page is in memory.
 */
export async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        finished = true;
        return;
      }
      next = iterator.next();
      // If the caller stops early, this fetch is abandoned; its failure must not go unhandled.
      next.catch(() => {});
      yield result.value;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs callers of one key one at a time, in arrival order, and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string) =>
      mutex.run('k', async () => {
        log.push(`${name}:in`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`${name}:out`);
      });
    await Promise.all([task('a'), task('b'), task('c')]);
    expect(log).toEqual(['a:in', 'a:out', 'b:in', 'b:out', 'c:in', 'c:out']);
    expect(mutex.isHeld('k')).toBe(false);
  });
});

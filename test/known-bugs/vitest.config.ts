import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/** Failing tests that document bugs for the lead: not part of `pnpm test`. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/known-bugs/*.bug.ts'], benchmark: { include: [] } },
});

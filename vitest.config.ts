import { defineConfig } from 'vitest/config';

// Tests read sources, not dist/: every workspace package exports a `dev-source` condition.
// The rest are Vite's default server conditions, which setting `conditions` replaces.
const conditions = ['dev-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    benchmark: {
      include: ['packages/*/src/**/*.bench.ts', 'packages/*/bench/**/*.bench.ts', 'bench/**/*.bench.ts'],
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig, type Options } from 'tsup';

/**
 * Shared build settings for every published package: ESM only, `.d.ts` from the package's own
 * tsconfig (which does not use the `dev-source` condition, so types of workspace dependencies
 * are referenced, not inlined).
 */
export function packageConfig(entry: Record<string, string> = { index: 'src/index.ts' }): Options {
  return {
    entry,
    format: ['esm'],
    target: 'node22',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    tsconfig: 'tsconfig.json',
  };
}

export default defineConfig(packageConfig());

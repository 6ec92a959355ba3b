import { afterAll, beforeAll } from 'vitest';
import { sqlWorkspace, type TestDatabase, type Workspace } from './databases.js';

/**
 * Opens the back end once for the enclosing describe block and hands out fresh workspaces
 * (a new schema each, dropped after `fn`).
 */
export function useDatabase(open: () => Promise<TestDatabase>) {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });
  return {
    db: () => db!,
    async withWorkspace<T>(fn: (workspace: Workspace) => Promise<T>): Promise<T> {
      const workspace = await sqlWorkspace(db!);
      try {
        return await fn(workspace);
      } finally {
        await workspace.dispose();
      }
    },
  };
}

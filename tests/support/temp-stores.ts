import { afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store, type StoreOptions } from '../../server/store/store.js';

export interface TempStores {
  /** a new empty folder, deleted after the test */
  dir(): string;
  /** a database path in a new folder; nothing is created there yet */
  path(): string;
  /** a store over `path` (default: a new one), closed after the test */
  open(path?: string, options?: StoreOptions): Store;
}

/**
 * Real SQLite files in temp folders for the tests of one file: after each test, its stores are
 * closed (their writer threads finish) and then its folders deleted.
 */
export function tempStores(prefix: string): TempStores {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const temp: TempStores = {
    dir() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    path: () => join(temp.dir(), 'interviews.sqlite'),
    open(path = temp.path(), options?: StoreOptions) {
      const store = createStore(path, options);
      stores.push(store);
      return store;
    },
  };
  return temp;
}

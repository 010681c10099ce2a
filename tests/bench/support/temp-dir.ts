import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Scratch folders for databases. os.tmpdir() must be a real disk, not tmpfs, or fsync costs nothing
 * and synchronous=FULL looks free; the bench prints the folder's filesystem so a reader can tell.
 */
export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `mock-interviewer-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Where profiles are kept after the run, so they can be opened in a profiler. */
export function outputDir(): string {
  const dir = join(tmpdir(), 'mock-interviewer-bench-output');
  mkdirSync(dir, { recursive: true });
  return dir;
}

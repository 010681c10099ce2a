import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The repository root: three levels above tests/bench/support. Benchmarks resolve every path from it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A file under tests/bench, for child-process entry points. */
export const benchFile = (relative: string): string => resolve(REPO_ROOT, 'tests/bench', relative);

/** The default question bank, shared by the load generator, the floor server and the scorer bench. */
export const DEFAULT_BANK_FILE = resolve(REPO_ROOT, 'data/banks/senior-backend.json');

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger.js';

/**
 * Builds the web client when client/dist is missing, so `npm install && npm start` works on a
 * fresh clone without a separate build step. Takes well under a second with vite.
 */
export async function ensureClientBuilt(logger: Logger, root = process.cwd()): Promise<void> {
  const dist = resolve(root, 'client/dist');
  if (existsSync(join(dist, 'index.html'))) return;
  logger.info('building the web client (first start)');
  const { build } = await import('vite');
  await build({ configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn' });
}

import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { BankError, loadBanks } from './bank/bank-loader.js';
import { createStore } from './store/store.js';
import { createModelServices } from './model-services.js';
import { Metrics } from './http/metrics.js';
import { ensureClientBuilt } from './http/client-build.js';
import { createApp } from './app.js';

/** Process entry: config -> banks -> store -> app -> listen; SIGTERM/SIGINT shut down gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const banks = loadBanks(config.BANKS_DIR);
  await ensureClientBuilt(logger);
  const store = createStore(config.DATABASE_PATH, {
    checkpoints: { onError: (err) => logger.warn({ err }, "WAL checkpoints are failing; the writer's own checkpoint keeps the log bounded") },
  });
  const metrics = new Metrics(store);
  const models = createModelServices(config, logger, (o) => metrics.recordOutcome(o));
  const app = createApp({ config, store, banks, logger, metrics, ...models });

  await new Promise<void>((resolve) => app.httpServer.listen(config.PORT, config.HOST, resolve));
  const address = app.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, host: config.HOST, database: config.DATABASE_PATH, scorer: models.describe }, `listening on http://localhost:${port}`);


  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close(10_000);
    await store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  // after the handlers, so a SIGTERM during recovery still drains gracefully
  const recovered = await app.service.recoverUnscored();
  if (recovered) logger.info({ sessions: recovered }, 'finished work the last run left: unscored answers, unwritten reports');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof BankError) {
    console.error(err.message);
  } else {
    console.error('failed to start:', err);
  }
  process.exit(1);
});

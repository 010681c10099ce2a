import { ConfigError, loadConfig, useLlm } from './config.js';
import { createLogger } from './logger.js';
import { BankError, loadBanks } from './bank/bank-loader.js';
import { createStore } from './store/store.js';
import { createOfflineScorer } from './scoring/offline-scorer.js';
import { createScorer } from './scoring/scorer-chain.js';
import { ensureClientBuilt } from './http/client-build.js';
import { createApp } from './app.js';

/** Process entry: config -> banks -> store -> app -> listen; SIGTERM/SIGINT shut down gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const banks = loadBanks(config.BANKS_DIR);
  await ensureClientBuilt(logger);
  const store = createStore(config.DATABASE_PATH);
  const scorer = createScorer(config, {
    offline: createOfflineScorer(),
    onOutcome: (o) => {
      if (o.fallback) logger.warn({ reason: o.reason, latencyMs: o.latencyMs }, 'LLM grading failed; the built-in scorer answered');
    },
  });
  const app = createApp({ config, store, banks, scorer, logger });

  await new Promise<void>((resolve) => app.httpServer.listen(config.PORT, config.HOST, resolve));
  const address = app.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, host: config.HOST, database: config.DATABASE_PATH, scorer: useLlm(config) ? `llm (${config.OPENAI_MODEL}) with offline fallback` : 'offline' }, `listening on http://localhost:${port}`);

  const recovered = await app.service.recoverUnscored();
  if (recovered) logger.info({ sessions: recovered }, 'scored answers left unscored by the last run');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close(10_000);
    store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof BankError) {
    console.error(err.message);
  } else {
    console.error('failed to start:', err);
  }
  process.exit(1);
});

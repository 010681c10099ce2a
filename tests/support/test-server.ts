import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { configFor, type Config } from '../../server/config.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { createStore, type Store } from '../../server/store/store.js';
import { createModelServices } from '../../server/model-services.js';
import { Metrics } from '../../server/http/metrics.js';
import type { Scorer } from '../../server/scoring/scorer.js';
import { createApp, type App } from '../../server/app.js';
import { silentLogger, type Logger } from '../../server/logger.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/realtime/contract.js';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  url: string;
  app: App;
  store: Store;
  config: Config;
  dbPath: string;
  client(): Promise<TestClient>;
  close(): Promise<void>;
}

/** A real server on an ephemeral port with a real SQLite file in a temp folder. */
export async function startTestServer(
  overrides: Partial<Record<keyof Config, string | number>> = {},
  options: { scorer?: Scorer; clientDir?: string; logger?: Logger; dbPath?: string } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mock-interviewer-'));
  // a given database outlives this server (a restart test), so only a fresh one is removed on close
  const dbPath = options.dbPath ?? join(dir, 'test.sqlite');
  const config = configFor({ DATABASE_PATH: dbPath, LOG_LEVEL: 'silent', ...overrides });
  const store = createStore(dbPath);
  const banks = loadBanks(config.BANKS_DIR);
  const metrics = new Metrics(store);
  const logger = options.logger ?? silentLogger;
  const models = createModelServices(config, logger, (o) => metrics.recordOutcome(o));
  const app = createApp({
    config,
    store,
    banks,
    metrics,
    ...models,
    ...(options.scorer ? { scorer: options.scorer } : {}),
    logger,
    clientDir: options.clientDir ?? join(dir, 'no-client'),
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const clients: TestClient[] = [];
  return {
    url,
    app,
    store,
    config,
    dbPath,
    async client() {
      const socket: TestClient = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
      clients.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    },
    async close() {
      for (const c of clients) c.disconnect();
      await app.close(2_000);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects every server event a client receives, in order, and lets a test wait for one. */
export class EventLog {
  readonly events: Array<{ name: keyof ServerToClientEvents; payload: any }> = [];
  private waiters: Array<() => void> = [];

  constructor(socket: TestClient) {
    socket.onAny((name: keyof ServerToClientEvents, payload: unknown) => {
      this.events.push({ name, payload });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  of<N extends keyof ServerToClientEvents>(name: N): Array<Parameters<ServerToClientEvents[N]>[0]> {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  /** Resolves when `count` events named `name` have arrived (default: one more than now). */
  async waitFor<N extends keyof ServerToClientEvents>(name: N, count = this.of(name).length + 1, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.of(name).length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} × ${name}; got ${this.events.map((e) => e.name).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.of(name)[count - 1]!;
  }
}

import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Express } from 'express';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { BankRegistry } from './bank/bank-loader.js';
import type { Scorer } from './scoring/scorer.js';
import type { Store } from './store/store.js';
import { InterviewService } from './interview/interview-service.js';
import { createExpressApp } from './http/express-app.js';
import { registerSocketHandlers, socketEvents, type InterviewServer } from './realtime/socket-handlers.js';
import { MAX_ANSWER_CHARS } from './realtime/contract.js';
import { ReportService, type ReportNarrator } from './reports/report-service.js';
import type { FollowUpWriter } from './interview/follow-up.js';
import { Metrics } from './http/metrics.js';
import { closeConnections } from './realtime/close-connections.js';

export interface AppDeps {
  config: Config;
  store: Store;
  banks: BankRegistry;
  scorer: Scorer;
  logger: Logger;
  clientDir?: string;
  /** writes report narratives with a model; rules write them without one */
  narrator?: ReportNarrator;
  /** writes follow-up questions with a model; the bank's are asked without one */
  followUps?: FollowUpWriter;
  /** Prometheus metrics served at /metrics; default: a fresh set */
  metrics?: Metrics;
}

export interface App {
  app: Express;
  httpServer: HttpServer;
  io: InterviewServer;
  service: InterviewService;
  reports: ReportService;
  /** Stops accepting, lets in-flight scoring finish (up to `graceMs`), closes sockets and HTTP. Leaves the store open. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Frames larger than this are refused by the transport before they are parsed: the largest legal
 * answer in UTF-8 plus room for the envelope.
 */
const MAX_FRAME_BYTES = MAX_ANSWER_CHARS * 4 + 16 * 1024;

/** Builds express + socket.io around one interview service. Nothing listens until the caller says so. */
export function createApp(deps: AppDeps): App {
  const io: InterviewServer = new Server({
    maxHttpBufferSize: MAX_FRAME_BYTES,
    cors: deps.config.CORS_ORIGINS.length ? { origin: deps.config.CORS_ORIGINS } : undefined,
    serveClient: false,
  });
  const metrics = deps.metrics ?? new Metrics(deps.store);
  const reports = new ReportService(deps.store, deps.banks, deps.logger, deps.narrator);
  const events = socketEvents(io);
  const service = new InterviewService({ ...deps, reports, events, onScored: (seconds, scorer) => metrics.observeAnswerLatency(seconds, scorer) });
  const app = createExpressApp({ ...deps, service, reports, metrics });
  // express must be the server's request listener before socket.io attaches: socket.io then routes
  // /socket.io/ to itself and hands every other request to express, so the two never both answer
  const httpServer = createServer(app);
  io.attach(httpServer);
  registerSocketHandlers(io, service, deps.config, deps.logger);

  return {
    app,
    httpServer,
    io,
    service,
    reports,
    async close(graceMs = 10_000) {
      // 1. no new connections; 2. no new interviews or answers, in-flight scoring finishes and is
      // stored (an answer still unscored when the grace runs out is already committed, and is scored
      // at the next start); 3. close the sockets once they have sent what they hold, and their clients
      // resume against the next process
      httpServer.close();
      const drained = await service.drain(graceMs);
      if (!drained) deps.logger.warn({ graceMs }, 'shutdown grace period ran out; unscored answers will be scored at next start');
      await closeConnections(io, 2000);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

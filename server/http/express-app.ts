import express, { type Express } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { perAddressLimitsApply } from '../client-address.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { BankRegistry } from '../bank/bank-loader.js';
import type { Scorer } from '../scoring/scorer.js';
import type { Store } from '../store/store.js';
import type { InterviewService } from '../interview/interview-service.js';
import { scoreRouter } from './score-route.js';
import { sessionRouter } from './session-routes.js';
import { reportRouter } from './report-route.js';
import type { ReportService } from '../reports/report-service.js';
import { apiNotFound, errorMiddleware } from './error-middleware.js';
import { AppError } from '../errors.js';
import type { Metrics } from './metrics.js';
import { adminRouter } from './admin-routes.js';

export interface HttpDeps {
  config: Config;
  logger: Logger;
  banks: BankRegistry;
  scorer: Scorer;
  store: Store;
  service: InterviewService;
  reports: ReportService;
  metrics: Metrics;
  /** folder of the built web client; default client/dist */
  clientDir?: string;
}

/** The bodies the API takes are small; anything larger is refused before it is parsed. */
const JSON_LIMIT = '64kb';

export function createExpressApp(deps: HttpDeps): Express {
  const { config, logger, banks, scorer, store, service, reports, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          // served over plain HTTP on a LAN too; upgrading would break that
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  if (config.CORS_ORIGINS.length) {
    app.use((req, res, next) => {
      const origin = req.get('origin');
      if (origin && config.CORS_ORIGINS.includes(origin)) {
        res.set('Access-Control-Allow-Origin', origin);
        res.set('Vary', 'Origin');
        res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        if (req.method === 'OPTIONS') {
          res.sendStatus(204);
          return;
        }
      }
      next();
    });
  }
  if (config.HTTP_RATE_LIMIT_PER_MINUTE > 0) {
    app.use(
      '/api',
      rateLimit({
        windowMs: 60_000,
        limit: config.HTTP_RATE_LIMIT_PER_MINUTE,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        skip: (req) => !perAddressLimitsApply(config, req.ip ?? ''),
        handler: (_req, _res, next) => next(new AppError('RATE_LIMITED', 'Too many requests. Try again shortly.')),
      }),
    );
  }
  app.use(express.json({ limit: JSON_LIMIT }));

  app.get('/api/health', (_req, res) => {
    const dbOk = store.db.open && store.db.prepare('SELECT 1 AS ok').get() !== undefined;
    res.status(dbOk ? 200 : 503).json({ status: dbOk ? 'ok' : 'degraded', uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/api/banks', (_req, res) => {
    res.json({
      banks: [...banks.banks.values()].map((b) => ({
        id: b.id,
        title: b.title,
        questionCount: b.questions.length,
        levels: [...new Set(b.questions.map((q) => q.level))],
        topics: [...new Set(b.questions.flatMap((q) => q.topics))].sort(),
      })),
    });
  });

  app.use(scoreRouter(banks, scorer));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(adminRouter(config, store));
  app.use(reportRouter(service, reports));
  app.use(sessionRouter(service));
  app.use('/api', apiNotFound);

  const clientDir = resolve(deps.clientDir ?? 'client/dist');
  if (existsSync(join(clientDir, 'index.html'))) {
    app.use(
      express.static(clientDir, {
        index: 'index.html',
        // hashed assets never change; the page that names them must be revalidated after a rebuild
        setHeaders: (res, path) => res.set('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
      }),
    );
    // the client is one page; any other GET that is not an API call gets it
    app.get('/{*splat}', (_req, res) => res.set('Cache-Control', 'no-cache').sendFile(join(clientDir, 'index.html')));
  } else {
    logger.warn({ clientDir }, 'web client is not built; run "npm run build"');
  }

  app.use(errorMiddleware(logger));
  return app;
}

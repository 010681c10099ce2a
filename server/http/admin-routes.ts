import { Router, type Request } from 'express';
import { z } from 'zod';
import { timingSafeEqual } from 'node:crypto';
import { AppError, describeIssues } from '../errors.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { bearerToken } from './session-routes.js';

const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  status: z.enum(['active', 'complete']).optional(),
});

function isAdmin(req: Request, adminToken: string): void {
  const given = Buffer.from(bearerToken(req));
  const expected = Buffer.from(adminToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('UNAUTHORIZED', 'Admin token required.');
}

/**
 * Operator listings. Disabled (404, as if absent) unless ADMIN_TOKEN is set; then they need it as a
 * bearer token. Listings never include tokens, hashes or answer text.
 */
export function adminRouter(config: Config, store: Store): Router {
  const router = Router();
  router.get('/api/sessions', (req, res) => {
    if (!config.ADMIN_TOKEN) throw new AppError('NOT_FOUND', 'No such endpoint.');
    isAdmin(req, config.ADMIN_TOKEN);
    const query = ListQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('BAD_REQUEST', describeIssues(query.error.issues));
    res.set('Cache-Control', 'no-store').json({ sessions: store.sessions.list(query.data.limit, query.data.status) });
  });
  return router;
}

import { Router, type Request } from 'express';
import { AppError } from '../errors.js';
import type { InterviewService } from '../interview/interview-service.js';

/** The bearer token from `Authorization: Bearer <token>`; 401 when absent. */
export function bearerToken(req: Request): string {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('UNAUTHORIZED', 'Send the session token as "Authorization: Bearer <token>".');
  return match[1]!;
}

/** GET /api/sessions/:id: the transcript and released results, for the holder of the session token. */
export function sessionRouter(service: InterviewService): Router {
  const router = Router();
  router.get('/api/sessions/:id', (req, res) => {
    const token = bearerToken(req);
    const session = service.authenticate(req.params.id, token);
    res.json({
      sessionId: session.id,
      candidate: session.candidate,
      createdAt: session.createdAt,
      completedAt: session.completedAt,
      ...service.snapshot(session.id),
    });
  });
  return router;
}

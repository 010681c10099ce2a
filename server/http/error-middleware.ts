import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Body-parser errors carry a `type`; map the ones a client can cause to coded errors. */
function fromBodyParser(err: unknown): AppError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new AppError('TOO_LARGE', 'The request body is too large.');
  if (type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'The request body is not valid JSON.');
  if (typeof type === 'string' && type.startsWith('encoding.') || type === 'charset.unsupported') {
    return new AppError('BAD_REQUEST', 'The request body encoding is not supported.');
  }
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = fromBodyParser(err) ?? toAppError(err);
    if (appErr.code === 'INTERNAL') logger.error({ err, path: req.path }, 'request failed');
    if (appErr.code === 'UNAUTHORIZED') res.set('WWW-Authenticate', 'Bearer');
    res.status(appErr.httpStatus).json({ error: appErr.toJSON() });
  };
}

export const apiNotFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('NOT_FOUND', 'No such endpoint.'));
};

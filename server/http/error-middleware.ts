import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Body-parser errors carry a `type`, and they and the router's carry a 4xx `status`: map the ones a
 * client can cause to coded errors, so a malformed request is a BAD_REQUEST and not an INTERNAL.
 */
function fromRequestParsing(err: unknown): AppError | undefined {
  const { type, status } = (err ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') return new AppError('TOO_LARGE', 'The request body is too large.');
  if (type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'The request body is not valid JSON.');
  if (typeof type === 'string' && type.startsWith('encoding.') || type === 'charset.unsupported') {
    return new AppError('BAD_REQUEST', 'The request body encoding is not supported.');
  }
  // the router decoding a path parameter such as /api/sessions/%E0%A4%A/report
  if (err instanceof URIError && status === 400) return new AppError('BAD_REQUEST', 'The URL is not valid percent-encoding.');
  // e.g. a gzip body that does not inflate, a body shorter than its Content-Length
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('BAD_REQUEST', 'The request body could not be read.');
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = fromRequestParsing(err) ?? toAppError(err);
    if (appErr.code === 'INTERNAL') logger.error({ err, path: req.path }, 'request failed');
    if (appErr.code === 'UNAUTHORIZED') res.set('WWW-Authenticate', 'Bearer');
    res.status(appErr.httpStatus).json({ error: appErr.toJSON() });
  };
}

export const apiNotFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('NOT_FOUND', 'No such endpoint.'));
};

import { Router } from 'express';
import { z } from 'zod';
import { AppError, describeIssues } from '../errors.js';
import type { InterviewService } from '../interview/interview-service.js';
import type { ReportService } from '../reports/report-service.js';
import { REPORT_FORMATS } from '../reports/report-model.js';
import { renderReport } from '../reports/render-report.js';
import { bearerToken } from './session-routes.js';

const QuerySchema = z.object({ format: z.enum(REPORT_FORMATS).default('json') });

/** Scripts in an HTML report are never expected: lock the page down even if escaping failed. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET /api/sessions/:id/report?format=md|html|json for the holder of the session token. */
export function reportRouter(service: InterviewService, reports: ReportService): Router {
  const router = Router();
  router.get('/api/sessions/:id/report', (req, res) => {
    const token = bearerToken(req);
    service.authenticate(req.params.id, token);
    const query = QuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('BAD_REQUEST', describeIssues(query.error.issues));
    const { body, contentType } = renderReport(reports.get(req.params.id), query.data.format);
    res.set('Cache-Control', 'no-store');
    if (query.data.format === 'html') res.set('Content-Security-Policy', REPORT_CSP);
    res.type(contentType).send(body);
  });
  return router;
}

import type { Report } from '../server/reports/report-model.js';

/** The REST calls the page makes: the bank list for the setup form and the bearer-protected report. */

export interface BankSummary {
  id: string;
  title: string;
  questionCount: number;
  levels: string[];
  topics: string[];
}

export async function fetchBanks(signal?: AbortSignal): Promise<BankSummary[]> {
  const res = await fetch('/api/banks', { headers: { accept: 'application/json' }, signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body: unknown = await res.json();
  const banks = (body as { banks?: unknown } | null)?.banks;
  if (!Array.isArray(banks)) throw new Error('unexpected /api/banks reply');
  return banks.filter(isBank);
}

function isBank(value: unknown): value is BankSummary {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return (
    typeof b.id === 'string' &&
    typeof b.title === 'string' &&
    typeof b.questionCount === 'number' &&
    Array.isArray(b.levels) &&
    b.levels.every((l) => typeof l === 'string') &&
    Array.isArray(b.topics) &&
    b.topics.every((t) => typeof t === 'string')
  );
}

export type ReportFormat = 'html' | 'md' | 'json';

/** The report URL with the format set, resolved against this page's origin. */
export function reportUrlFor(reportUrl: string, format: ReportFormat): string {
  const url = new URL(reportUrl, window.location.origin);
  url.searchParams.set('format', format);
  return url.toString();
}

/** Fetches the session's report with its bearer token; the endpoint does not accept cookies or query tokens. */
export async function fetchReport(reportUrl: string, token: string, format: ReportFormat): Promise<Blob> {
  const res = await fetch(reportUrlFor(reportUrl, format), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const reason =
      res.status === 404
        ? 'The report is not available yet.'
        : res.status === 401 || res.status === 403
          ? 'The report link for this session is no longer valid.'
          : `The report could not be loaded (HTTP ${res.status}).`;
    throw new Error(reason);
  }
  const type = format === 'html' ? 'text/html' : format === 'md' ? 'text/markdown' : 'application/json';
  return new Blob([await res.arrayBuffer()], { type: `${type};charset=utf-8` });
}

/** Where a session's report lives; the server uses the same path in its acks and events. */
export function reportPathFor(sessionId: string): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}/report`;
}

export type ReportOutcome =
  | { ok: true; report: Report }
  /** gone: the server has no such session (its database was reset, or the token is not this session's) */
  | { ok: false; gone: boolean; message: string };

/** The JSON report of a session. Never rejects: a missing session, a network failure or an odd body come back as outcomes. */
export async function fetchReportJson(sessionId: string, token: string, signal?: AbortSignal): Promise<ReportOutcome> {
  let res: Response;
  try {
    res = await fetch(reportUrlFor(reportPathFor(sessionId), 'json'), {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal,
    });
  } catch {
    return { ok: false, gone: false, message: 'Could not reach the server.' };
  }
  // The server answers an unknown session and a wrong token alike, so ids cannot be probed.
  if (res.status === 404) return { ok: false, gone: true, message: 'The server no longer has this interview.' };
  if (!res.ok) return { ok: false, gone: false, message: `The report could not be loaded (HTTP ${res.status}).` };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, gone: false, message: 'The server sent a report this page cannot read.' };
  }
  return isReport(body) ? { ok: true, report: body } : { ok: false, gone: false, message: 'The server sent a report this page cannot read.' };
}

/**
 * A shape check, not a full validation: the client does not bundle zod. It checks what the views
 * index into; everything else is rendered defensively.
 */
function isReport(value: unknown): value is Report {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    r.version === 1 &&
    typeof r.sessionId === 'string' &&
    typeof r.overall === 'number' &&
    typeof r.answered === 'number' &&
    Array.isArray(r.questions) &&
    r.questions.every((q) => typeof q === 'object' && q !== null && typeof (q as { questionId?: unknown }).questionId === 'string' && Array.isArray((q as { turns?: unknown }).turns)) &&
    Array.isArray(r.byTopic) &&
    Array.isArray(r.weakestConcepts) &&
    typeof r.communication === 'object' &&
    r.communication !== null &&
    Array.isArray(r.studyPlan)
  );
}

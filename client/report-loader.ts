import type { Report } from '../server/reports/report-model.js';
import { fetchReportJson, type ReportOutcome } from './api.js';
import { updateSession, type HistoryEntry } from './session-store.js';

/** Finished reports do not change, so each is fetched once per page load. */
const finished = new Map<string, Report>();

/** A session's JSON report; what it says about status and score is copied back into history. */
export async function loadReport(entry: Pick<HistoryEntry, 'sessionId' | 'token'>): Promise<ReportOutcome> {
  const cached = finished.get(entry.sessionId);
  if (cached) return { ok: true, report: cached };
  const outcome = await fetchReportJson(entry.sessionId, entry.token);
  if (outcome.ok) {
    const r = outcome.report;
    if (r.status === 'complete') finished.set(entry.sessionId, r);
    updateSession(entry.sessionId, {
      status: r.status,
      overall: r.answered > 0 ? r.overall : null,
      total: r.total,
      questionIds: r.questions.map((q) => q.questionId),
      bank: r.bank?.id,
    });
  }
  return outcome;
}

/** Loads many reports, a few at a time, reporting each as it arrives. */
export async function loadReports(
  entries: readonly HistoryEntry[],
  onEach: (entry: HistoryEntry, outcome: ReportOutcome) => void,
  concurrency = 4,
): Promise<void> {
  const queue = [...entries];
  const worker = async (): Promise<void> => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) onEach(entry, await loadReport(entry));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
}

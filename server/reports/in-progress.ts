import type { Report } from './report-model.js';

const HIDDEN = 'Shown when the interview is over.';

/**
 * A report of an interview still under way must not help with it: reference answers and tips stay
 * hidden until the end, and in realistic mode so do the scores, which that mode holds back.
 */
export function inProgressView(report: Report): Report {
  if (report.status !== 'active') return report;
  const held = report.mode === 'realistic';
  return {
    ...report,
    questions: report.questions.map((q) => ({
      ...q,
      reference: HIDDEN,
      tip: HIDDEN,
      ...(held
        ? { score: null, band: null, criteria: [], turns: q.turns.map((t) => ({ ...t, assessment: null })) }
        : {}),
    })),
    ...(held
      ? {
          overall: 0,
          band: 'weak' as const,
          byTopic: [],
          byLevel: [],
          weakestConcepts: [],
          summary: 'This realistic-mode interview is still under way; its results are released when it completes.',
          studyPlan: [],
        }
      : {}),
  };
}

import type { BankRegistry } from '../bank/bank-loader.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import { plannedQuestions } from '../interview/planned-questions.js';
import { buildReport, type PreviousAttempt } from './build-report.js';
import { inProgressView } from './in-progress.js';
import type { Report } from './report-model.js';
import type { SessionRow } from '../store/session-repository.js';
import type { TurnRow } from '../store/transcript-repository.js';
import type { Assessment } from '../scoring/assessment.js';

/** Writes the summary and study plan with a model; null means "keep the rule-written ones". */
export interface ReportNarrator {
  narrate(report: Report): Promise<Pick<Report, 'summary' | 'studyPlan' | 'narrative'> | null>;
}

/** A session with its turns and their assessments, exactly as stored. */
export interface StoredSession {
  session: SessionRow;
  turns: readonly TurnRow[];
  assessments: ReadonlyMap<string, Assessment>;
}

/** How far back a chain of retries is followed; protects against a cycle in hand-edited data. */
const MAX_RETRY_CHAIN = 20;

export class ReportService {
  constructor(
    private readonly store: Store,
    private readonly banks: BankRegistry,
    private readonly logger: Logger,
    private readonly narrator?: ReportNarrator,
  ) {}

  /**
   * The stored report of a completed session, else one built now from what is stored; an interview
   * still under way gets the in-progress view, without reference answers (or held scores).
   */
  get(sessionId: string): Report {
    return this.store.reports.get(sessionId) ?? inProgressView(this.build(sessionId));
  }

  /**
   * @param withHistory include earlier attempts from the sessions this one retries
   * @param known the session as just stored, when the caller holds it: saves reading it back
   */
  build(sessionId: string, withHistory = true, known?: StoredSession): Report {
    const session = known?.session ?? this.store.sessions.get(sessionId);
    if (!session) throw new AppError('NOT_FOUND', 'No interview with that id and token.');
    const bank = this.banks.bank(session.bankId);
    return buildReport({
      session,
      questions: plannedQuestions(session, this.banks),
      ...(bank ? { bank } : {}),
      turns: known?.turns ?? this.store.transcript.turns(sessionId),
      assessments: known?.assessments ?? this.store.assessments.forSession(sessionId),
      ...(withHistory ? { previousAttempts: this.previousAttempts(session.retryOf) } : {}),
    });
  }

  /** Builds, narrates (when a model is configured) and stores the final report. */
  async writeFinal(sessionId: string, now: Date, known?: StoredSession): Promise<Report> {
    let report = this.build(sessionId, true, known);
    if (this.narrator) {
      try {
        const narrative = await this.narrator.narrate(report);
        if (narrative) report = { ...report, ...narrative };
      } catch (err) {
        this.logger.warn({ sessionId, err }, 'report narrative failed; keeping the rule-written one');
      }
    }
    // not durable: start-up writes the report of a completed session that has none
    await this.store.write({ kind: 'report', report, createdAt: now.toISOString() });
    return report;
  }

  /** Scores of the same questions in the sessions this one retries, oldest first. */
  private previousAttempts(retryOf: string | null): Map<string, PreviousAttempt[]> {
    const byQuestion = new Map<string, PreviousAttempt[]>();
    const seen = new Set<string>();
    let id = retryOf;
    while (id && !seen.has(id) && seen.size < MAX_RETRY_CHAIN) {
      seen.add(id);
      const earlier = this.store.sessions.get(id);
      if (!earlier) break;
      const report = this.store.reports.get(id) ?? this.buildShallow(id);
      for (const q of report?.questions ?? []) {
        if (q.score === null) continue;
        byQuestion.set(q.questionId, [{ sessionId: id, date: earlier.createdAt, score: q.score }, ...(byQuestion.get(q.questionId) ?? [])]);
      }
      id = earlier.retryOf;
    }
    return byQuestion;
  }

  private buildShallow(sessionId: string): Report | undefined {
    try {
      return this.build(sessionId, false);
    } catch {
      // an earlier session that can no longer be rebuilt simply has no attempts to compare
      return undefined;
    }
  }
}

import type { Report } from '../server/reports/report-model.js';
import type { ReportOutcome } from './api.js';
import { chartWidth, lineChart } from './charts.js';
import { bandFor } from './choices.js';
import { byId, clear, el } from './dom.js';
import { loadReports } from './report-loader.js';
import { formatDate } from './report-view.js';
import { bandLabel } from './score-card.js';
import { forgetSession, loadHistory, type HistoryEntry } from './session-store.js';

/** A question scored below this is worth reviewing. */
export const REVIEW_BELOW = 70;
/** How many questions "Review weak questions" asks at most. */
export const REVIEW_COUNT = 5;

export interface HistoryHandlers {
  /** Review: a new interview with these bank questions; `retryOf` is the newest session they come from. */
  onReview(questionIds: string[], bank: string, retryOf: HistoryEntry): void;
  /** Retry one question, linked to the newest session that asked it. */
  onRetry(entry: HistoryEntry, bank: string, questionId: string): void;
  onResume(entry: HistoryEntry): void;
  /** The session this page is sitting now, if any: its row links back to it instead of offering resume. */
  liveSessionId(): string | null;
}

/** A bank question's scores across sessions, oldest first. */
export interface QuestionHistory {
  questionId: string;
  bank: string;
  question: string;
  attempts: Array<{ entry: HistoryEntry; score: number }>;
}

interface ConceptHistory {
  label: string;
  core: boolean;
  questionId: string;
  sessions: Set<string>;
  trainWith: Array<{ questionId: string; question: string }>;
}

/**
 * Past interviews with their scores (from each session's JSON report), the trend, and the weakest
 * concepts and questions across them. Sessions the server no longer has can be forgotten.
 */
export class HistoryView {
  readonly root = byId('history-view');
  private readonly list = byId('history-list', HTMLOListElement);
  private readonly body = byId('history-body');
  private readonly empty = byId('history-empty');
  private readonly trend = byId('trend');
  private readonly concepts = byId('weak-concepts');
  private readonly questions = byId('weak-questions');
  private readonly review = byId('review-weak', HTMLButtonElement);
  private readonly reviewHint = byId('review-hint');
  private readonly error = byId('history-error');
  private reports = new Map<string, Report>();
  private entries: HistoryEntry[] = [];
  private generation = 0;
  private busy = false;

  constructor(private readonly handlers: HistoryHandlers) {
    this.review.addEventListener('click', () => {
      const pick = this.reviewPick();
      if (pick) handlers.onReview(pick.questionIds, pick.bank, pick.retryOf);
    });
  }

  async show(): Promise<void> {
    const generation = ++this.generation;
    this.showError(null);
    this.entries = loadHistory();
    this.reports = new Map();
    this.empty.hidden = this.entries.length > 0;
    this.body.hidden = this.entries.length === 0;
    this.root.dataset.state = 'loading';
    clear(this.list);
    for (const entry of this.entries) this.list.append(this.row(entry, null));
    this.renderAggregates();
    await loadReports(this.entries, (entry, outcome) => {
      if (generation !== this.generation) return;
      if (outcome.ok) this.reports.set(entry.sessionId, outcome.report);
      this.list.querySelector(`li[data-session-id="${CSS.escape(entry.sessionId)}"]`)?.replaceWith(this.row(entry, outcome));
      this.renderAggregates();
    });
    if (generation !== this.generation) return;
    this.root.dataset.state = 'ready';
    this.renderAggregates(); // replaces the "loading" placeholders
  }

  showError(message: string | null): void {
    this.error.textContent = message ?? '';
    this.error.hidden = !message;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.review.textContent = busy ? 'Starting…' : 'Review weak questions';
    this.renderReviewButton();
    for (const b of this.root.querySelectorAll<HTMLButtonElement>('button.starts-interview')) b.disabled = busy;
  }

  // ------------------------------------------------------------------------------------------ rows

  private row(entry: HistoryEntry, outcome: ReportOutcome | null): HTMLLIElement {
    const report = outcome?.ok ? outcome.report : null;
    const status = report?.status ?? entry.status;
    const answered = report ? report.answered : null;
    const overall = report ? (report.answered > 0 ? report.overall : null) : (entry.overall ?? null);
    const live = this.handlers.liveSessionId() === entry.sessionId;
    const state = outcome === null ? 'loading' : outcome.ok ? 'ok' : outcome.gone ? 'gone' : 'error';

    const facts = [
      entry.candidate || null,
      (report?.mode ?? entry.mode) === 'realistic' ? 'Realistic' : 'Practice',
      answered !== null && report ? `${answered} of ${report.total} answered` : entry.total ? `${entry.total} question${entry.total === 1 ? '' : 's'}` : null,
      entry.retryOf ? 'Retry' : null,
    ].filter((f): f is string => Boolean(f));

    const score = el(
      'span',
      {
        className: `history-score score-chip${overall !== null ? ` band-${bandFor(overall)}` : ''}`,
        attrs: { 'aria-label': overall === null ? 'No score' : `Score ${Math.round(overall)} out of 100, ${bandLabel(bandFor(overall))}` },
      },
      el('span', { className: 'chip-value', text: overall === null ? '–' : String(Math.round(overall)) }),
    );

    const actions = el('div', { className: 'history-actions' });
    if (state === 'gone') {
      const forget = el('button', { className: 'button ghost small forget-session', attrs: { type: 'button' }, text: 'Forget' });
      forget.addEventListener('click', () => {
        forgetSession(entry.sessionId);
        void this.show();
      });
      actions.append(forget);
    } else {
      if (status === 'active') {
        if (live) {
          actions.append(el('a', { className: 'button secondary small', attrs: { href: '#' }, text: 'Back to interview' }));
        } else {
          const resume = el('button', { className: 'button secondary small resume-session starts-interview', attrs: { type: 'button' }, text: 'Resume' });
          resume.disabled = this.busy;
          resume.addEventListener('click', () => this.handlers.onResume(entry));
          actions.append(resume);
        }
      }
      actions.append(
        el('a', {
          className: 'button ghost small open-report',
          attrs: { href: `#report/${encodeURIComponent(entry.sessionId)}` },
          text: status === 'active' ? 'Report so far' : 'Report',
        }),
      );
    }

    const note =
      state === 'gone'
        ? el('p', { className: 'history-note', text: 'The server no longer has this interview, so its report is gone. Forget it to tidy your history.' })
        : state === 'error' && outcome && !outcome.ok
          ? el('p', { className: 'history-note', text: outcome.message })
          : null;

    return el(
      'li',
      { className: 'history-item', attrs: { 'data-session-id': entry.sessionId, 'data-state': state, 'data-status': status } },
      score,
      el(
        'div',
        { className: 'history-main' },
        el(
          'div',
          { className: 'history-when' },
          el('span', { className: 'history-date', text: formatDate(entry.startedAt, true) || 'Unknown date' }),
          status === 'active' ? el('span', { className: 'tag in-progress-tag', text: live ? 'Now' : 'Unfinished' }) : null,
          state === 'loading' ? el('span', { className: 'muted history-loading', text: 'loading…' }) : null,
        ),
        el('span', { className: 'history-facts muted', text: facts.join(' · ') }),
        note,
      ),
      actions,
    );
  }

  // ------------------------------------------------------------------------------------ aggregates

  private renderAggregates(): void {
    this.renderTrend();
    this.renderWeakQuestions();
    this.renderConcepts();
    this.renderReviewButton();
  }

  private scoredReports(): Array<{ entry: HistoryEntry; report: Report }> {
    return this.entries
      .map((entry) => ({ entry, report: this.reports.get(entry.sessionId) }))
      .filter((x): x is { entry: HistoryEntry; report: Report } => x.report !== undefined && x.report.answered > 0)
      .sort((a, b) => Date.parse(a.entry.startedAt) - Date.parse(b.entry.startedAt));
  }

  private renderTrend(): void {
    clear(this.trend);
    const points = this.scoredReports()
      .filter((x) => x.report.status === 'complete')
      .map(({ entry, report }) => ({ label: formatDate(entry.startedAt), detail: formatDate(entry.startedAt, true), value: report.overall }));
    if (!points.length) {
      this.trend.append(el('p', { className: 'muted', text: this.loading() ? 'Loading scores…' : 'Finish an interview to start your trend.' }));
      return;
    }
    const chart = lineChart('Overall score per finished interview, oldest first', points, chartWidth(this.trend));
    chart.id = 'trend-chart';
    this.trend.append(chart);
    if (points.length === 1) this.trend.append(el('p', { className: 'hint', text: 'One interview so far: your trend grows with each one you finish.' }));
  }

  /** Each question's scores across sessions, weakest latest score first. */
  weakQuestions(): QuestionHistory[] {
    const byQuestion = new Map<string, QuestionHistory>();
    for (const { entry, report } of this.scoredReports()) {
      for (const q of report.questions) {
        if (q.score === null) continue;
        const key = `${report.bank.id}\n${q.questionId}`;
        const item = byQuestion.get(key) ?? { questionId: q.questionId, bank: report.bank.id, question: q.question, attempts: [] };
        item.attempts.push({ entry, score: q.score });
        byQuestion.set(key, item);
      }
    }
    return [...byQuestion.values()].sort((a, b) => latest(a) - latest(b));
  }

  private renderWeakQuestions(): void {
    clear(this.questions);
    const weak = this.weakQuestions().filter((q) => latest(q) < REVIEW_BELOW);
    if (!weak.length) {
      this.questions.append(el('li', { className: 'muted', text: this.loading() ? 'Loading…' : `No question's latest score is under ${REVIEW_BELOW}.` }));
      return;
    }
    for (const q of weak.slice(0, 8)) {
      const newest = q.attempts.at(-1)!;
      const retry = el('button', {
        className: 'button ghost small starts-interview retry-weak',
        attrs: { type: 'button', 'data-question-id': q.questionId },
        text: 'Retry',
      });
      retry.disabled = this.busy;
      retry.addEventListener('click', () => this.handlers.onRetry(newest.entry, q.bank, q.questionId));
      const trail = q.attempts.map((a) => Math.round(a.score)).join(' → ');
      this.questions.append(
        el(
          'li',
          { className: 'weak-item', attrs: { 'data-question-id': q.questionId } },
          el('span', { className: `score-chip band-${bandFor(newest.score)}` }, el('span', { className: 'chip-value', text: String(Math.round(newest.score)) })),
          el(
            'div',
            { className: 'weak-main' },
            el('span', { className: 'weak-text', text: q.question }),
            q.attempts.length > 1 ? el('span', { className: 'muted weak-trail', text: `Attempts: ${trail}` }) : null,
          ),
          retry,
        ),
      );
    }
  }

  private renderConcepts(): void {
    clear(this.concepts);
    const concepts = new Map<string, ConceptHistory>();
    for (const { entry, report } of this.scoredReports()) {
      for (const c of report.weakestConcepts) {
        const key = `${c.questionId}\n${c.pointId}`;
        const item = concepts.get(key) ?? { label: c.label, core: c.core, questionId: c.questionId, sessions: new Set<string>(), trainWith: c.trainWith };
        item.sessions.add(entry.sessionId);
        item.label = c.label; // newest wording wins; reports are visited oldest first
        item.trainWith = c.trainWith.length ? c.trainWith : item.trainWith;
        concepts.set(key, item);
      }
    }
    const sorted = [...concepts.values()].sort((a, b) => b.sessions.size - a.sessions.size || Number(b.core) - Number(a.core));
    if (!sorted.length) {
      this.concepts.append(el('li', { className: 'muted', text: this.loading() ? 'Loading…' : 'No weak concepts yet.' }));
      return;
    }
    for (const c of sorted.slice(0, 8)) {
      const train = c.trainWith.slice(0, 2);
      this.concepts.append(
        el(
          'li',
          { className: 'weak-item concept-item' },
          el(
            'div',
            { className: 'weak-main' },
            el(
              'span',
              { className: 'weak-text' },
              el('span', { className: 'concept-label', text: c.label }),
              c.core ? el('span', { className: 'core-tag', text: 'core' }) : null,
            ),
            el('span', { className: 'muted', text: `missed in ${c.sessions.size} interview${c.sessions.size === 1 ? '' : 's'}` }),
            train.length ? el('span', { className: 'muted train-inline', text: `Train with: ${train.map((t) => t.question).join(' · ')}` }) : null,
          ),
        ),
      );
    }
  }

  /** Up to REVIEW_COUNT questions whose latest score is under REVIEW_BELOW, lowest first, from one bank. */
  reviewPick(): { questionIds: string[]; bank: string; retryOf: HistoryEntry } | null {
    const weak = this.weakQuestions().filter((q) => latest(q) < REVIEW_BELOW);
    const first = weak[0];
    if (!first) return null;
    // An interview draws from one bank: the one holding the weakest question.
    const picked = weak.filter((q) => q.bank === first.bank).slice(0, REVIEW_COUNT);
    const newest = picked
      .map((q) => q.attempts.at(-1)!.entry)
      .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0]!;
    return { questionIds: picked.map((q) => q.questionId), bank: first.bank, retryOf: newest };
  }

  private renderReviewButton(): void {
    const pick = this.reviewPick();
    this.review.disabled = this.busy || !pick;
    this.review.dataset.questionIds = pick?.questionIds.join(',') ?? '';
    this.reviewHint.textContent = pick
      ? `Asks your ${pick.questionIds.length === 1 ? 'weakest question' : `${pick.questionIds.length} weakest questions`} again (latest score under ${REVIEW_BELOW}), lowest first.`
      : this.loading()
        ? ''
        : this.entries.length
          ? `Nothing to review: no question's latest score is under ${REVIEW_BELOW}.`
          : '';
  }

  private loading(): boolean {
    return this.root.dataset.state === 'loading';
  }
}

function latest(q: QuestionHistory): number {
  return q.attempts.at(-1)?.score ?? 100;
}

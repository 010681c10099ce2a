import type { QuestionReport, Report, TurnReport } from '../server/reports/report-model.js';
import type { ReportFormat } from './api.js';
import { barChart, chartWidth } from './charts.js';
import { bandFor } from './choices.js';
import { append, byId, clear, el, formatDuration } from './dom.js';
import { downloadReport, openPrintableReport } from './report-files.js';
import { loadReport } from './report-loader.js';
import { bandLabel, renderCriteria, renderPointSections } from './score-card.js';
import { topicLabel } from './setup-view.js';
import type { HistoryEntry } from './session-store.js';

export interface ReportHandlers {
  /** A new interview with just this question, linked to the report's session so the attempts are compared. */
  onRetry(entry: HistoryEntry, report: Report, questionId: string): void;
  /** A new interview with these bank questions ("train with"). */
  onPractise(entry: HistoryEntry, report: Report, questionIds: string[]): void;
}

/** Where the report view's back link goes. */
export interface BackLink {
  href: string;
  label: string;
}

/**
 * The written report inside the page: summary, study plan, charts, communication signals, weakest
 * concepts and one card per question with the candidate's answers, evidence, what was missing, the
 * reference answer and the tip. All text goes in as text nodes.
 */
export class ReportView {
  readonly root = byId('report-view');
  private readonly container = byId('report');
  private readonly error = byId('report-error');
  private readonly back = byId('report-back', HTMLAnchorElement);
  /** ignores a slow load that finished after the candidate moved on */
  private generation = 0;
  private shown: { entry: HistoryEntry; report: Report } | null = null;

  constructor(private readonly handlers: ReportHandlers) {}

  async show(entry: HistoryEntry | null, back: BackLink): Promise<void> {
    const generation = ++this.generation;
    this.back.href = back.href;
    this.back.textContent = `← ${back.label}`;
    this.showError(null);
    clear(this.container);
    this.shown = null;
    if (!entry) {
      this.container.append(el('p', { className: 'empty card', text: 'This browser has no key for that report. Reports are reachable from the browser that sat the interview.' }));
      return;
    }
    this.container.setAttribute('aria-busy', 'true');
    this.container.append(el('p', { className: 'loading muted', attrs: { role: 'status' }, text: 'Loading report…' }));
    const outcome = await loadReport(entry);
    if (generation !== this.generation) return;
    this.container.setAttribute('aria-busy', 'false');
    clear(this.container);
    if (!outcome.ok) {
      this.container.append(el('p', { className: 'empty card', text: outcome.message }));
      return;
    }
    this.shown = { entry, report: outcome.report };
    this.render(entry, outcome.report);
  }

  /** Shown after a retry or practice start failed. */
  showError(message: string | null): void {
    this.error.textContent = message ?? '';
    this.error.hidden = !message;
    if (message) this.error.scrollIntoView({ block: 'nearest' });
  }

  setBusy(busy: boolean): void {
    for (const b of this.container.querySelectorAll<HTMLButtonElement>('button.starts-interview')) b.disabled = busy;
  }

  get sessionId(): string | null {
    return this.shown?.entry.sessionId ?? null;
  }

  private render(entry: HistoryEntry, r: Report): void {
    append(
      this.container,
      this.header(entry, r),
      this.section('report-summary', 'Summary', el('p', { className: 'report-summary-text', text: r.summary })),
      r.studyPlan.length
        ? this.section('report-plan', 'Study plan', el('ol', { className: 'study-plan' }, ...r.studyPlan.map((s) => el('li', { text: s }))))
        : null,
      this.charts(r),
      this.communication(r),
      this.weakestConcepts(entry, r),
      this.section(
        'report-questions',
        'Question by question',
        el('ol', { className: 'rq-list' }, ...r.questions.map((q) => el('li', {}, this.questionCard(entry, r, q)))),
      ),
    );
  }

  private section(id: string, title: string, ...children: Array<Node | null>): HTMLElement {
    return el('section', { className: 'report-section', id, attrs: { 'aria-labelledby': `${id}-title` } }, el('h2', { id: `${id}-title`, text: title }), ...children);
  }

  private header(entry: HistoryEntry, r: Report): HTMLElement {
    const answered = r.answered > 0;
    const band = answered ? r.band : null;
    const when = formatDate(r.startedAt, true);
    const facts = [
      r.candidate,
      when,
      r.bank?.title,
      r.mode === 'realistic' ? 'Realistic mode' : 'Practice mode',
      r.level && r.level !== 'mixed' ? `${capitalise(r.level)} level` : 'Mixed levels',
    ].filter((f): f is string => Boolean(f));

    const actions = el('div', { className: 'report-actions' });
    const status = el('p', { className: 'report-action-error form-error', attrs: { role: 'alert' } });
    status.hidden = true;
    const fail = (err: unknown): void => {
      status.textContent = err instanceof Error ? err.message : 'The report could not be loaded.';
      status.hidden = false;
    };
    const fileButton = (id: string, label: string, format: ReportFormat): HTMLButtonElement => {
      const button = el('button', { id, className: 'button ghost small', attrs: { type: 'button' }, text: label });
      button.addEventListener('click', () => {
        status.hidden = true;
        button.disabled = true;
        downloadReport(entry.sessionId, entry.token, format, r.startedAt)
          .catch(fail)
          .finally(() => (button.disabled = false));
      });
      return button;
    };
    const printable = el('button', { id: 'open-html', className: 'button secondary small', attrs: { type: 'button' }, text: 'Open printable HTML' });
    printable.addEventListener('click', () => {
      status.hidden = true;
      openPrintableReport(entry.sessionId, entry.token).catch(fail);
    });
    actions.append(printable, fileButton('download-md', 'Download Markdown', 'md'), fileButton('download-html', 'Download HTML', 'html'));

    return el(
      'header',
      { className: 'report-head card' },
      el(
        'div',
        { className: 'report-hero' },
        el(
          'div',
          { className: `end-score${band ? ` band-${band}` : ''}` },
          el('span', { className: 'report-overall', text: answered ? String(Math.round(r.overall)) : '–' }),
          el('span', { className: 'end-score-max', text: '/100', attrs: { 'aria-hidden': 'true' } }),
        ),
        el(
          'div',
          { className: 'end-heading' },
          el('h1', { id: 'report-title', text: 'Interview report' }),
          el(
            'div',
            { className: 'report-tags' },
            band ? el('span', { className: `band band-${band}`, text: bandLabel(band) }) : null,
            r.status === 'active' ? el('span', { className: 'tag in-progress-tag', text: 'In progress' }) : null,
            entry.retryOf ? el('span', { className: 'tag retry-tag', text: 'Retry' }) : null,
          ),
          el('p', { className: 'end-facts', text: `${r.answered} of ${r.total} question${r.total === 1 ? '' : 's'} answered` }),
          el('p', { className: 'end-facts', text: facts.join(' · ') }),
        ),
      ),
      actions,
      status,
    );
  }

  private charts(r: Report): HTMLElement | null {
    if (!r.questions.length) return null;
    const width = chartWidth(this.container);
    const perQuestion = barChart(
      'Score per question, 0 to 100',
      r.questions.map((q) => ({ label: `Q${q.index} · ${q.question}`, detail: `Question ${q.index}: ${q.question}`, value: q.score })),
      width,
    );
    perQuestion.id = 'chart-questions';
    const topics = [...r.byTopic].sort((a, b) => a.average - b.average);
    const perTopic = topics.length
      ? barChart(
          'Average score per topic, 0 to 100',
          topics.map((t) => ({ label: `${topicLabel(t.key)} (${t.questions})`, detail: `${topicLabel(t.key)}, ${t.questions} question${t.questions === 1 ? '' : 's'}`, value: t.average })),
          width,
        )
      : null;
    if (perTopic) perTopic.id = 'chart-topics';
    const levels = r.byLevel.length
      ? el(
          'p',
          { className: 'level-averages' },
          el('span', { className: 'muted', text: 'By level: ' }),
          ...r.byLevel.map((l) =>
            el('span', { className: `score-chip band-${bandFor(l.average)}` }, el('span', { className: 'chip-label', text: capitalise(l.key) }), el('span', { className: 'chip-value', text: String(Math.round(l.average)) })),
          ),
        )
      : null;
    return this.section(
      'report-charts',
      'Scores',
      el('figure', { className: 'chart-figure' }, el('figcaption', { text: 'Per question' }), perQuestion),
      perTopic ? el('figure', { className: 'chart-figure' }, el('figcaption', { text: 'Per topic (questions)' }), perTopic) : null,
      levels,
    );
  }

  private communication(r: Report): HTMLElement | null {
    const c = r.communication;
    if (!c || !c.answers) return null;
    const stat = (value: string, label: string, example?: string): HTMLElement =>
      el(
        'div',
        { className: 'stat' },
        el('span', { className: 'stat-value', text: value }),
        el('span', { className: 'stat-label', text: label }),
        example ? el('span', { className: 'stat-example', text: `“${example}”` }) : null,
      );
    const grid = el(
      'div',
      { className: 'stats' },
      stat(String(Math.round(c.wordsPerAnswer)), `words per answer (${c.words} in all)`),
      stat(String(c.fillerPer100Words), 'fillers per 100 words', c.examples?.fillers?.[0]),
      stat(String(c.hedgesPer100Words), 'hedges per 100 words', c.examples?.hedges?.[0]),
      stat(`${c.quantifiedAnswers}/${c.answers}`, 'answers with numbers', c.examples?.quantified?.[0]),
      stat(`${c.tradeOffAnswers}/${c.answers}`, 'answers weighing trade-offs', c.examples?.tradeOffs?.[0]),
    );
    const notes = c.notes?.length ? el('ul', { className: 'comm-notes' }, ...c.notes.map((n) => el('li', { text: n }))) : null;
    return this.section('report-communication', 'Communication', grid, notes);
  }

  private weakestConcepts(entry: HistoryEntry, r: Report): HTMLElement | null {
    if (!r.weakestConcepts.length) return null;
    const byId = new Map(r.questions.map((q) => [q.questionId, q]));
    const list = el('ul', { className: 'concepts' });
    for (const concept of r.weakestConcepts) {
      const from = byId.get(concept.questionId);
      const train = concept.trainWith.slice(0, 3);
      const practise = train.length
        ? el('button', { className: 'button ghost small starts-interview practise-concept', attrs: { type: 'button' }, text: train.length === 1 ? 'Practise it' : `Practise these ${train.length}` })
        : null;
      practise?.addEventListener('click', () => this.handlers.onPractise(entry, r, train.map((t) => t.questionId)));
      list.append(
        el(
          'li',
          { className: 'concept', attrs: { 'data-point-id': concept.pointId } },
          el(
            'div',
            { className: 'concept-head' },
            el('span', { className: 'concept-label', text: concept.label }),
            concept.core ? el('span', { className: 'core-tag', text: 'core' }) : null,
            from ? el('span', { className: 'concept-from muted', text: `from Q${from.index}` }) : null,
          ),
          train.length
            ? el(
                'div',
                { className: 'train-with' },
                el('span', { className: 'train-label', text: 'Train with' }),
                el('ul', {}, ...train.map((t) => el('li', { text: t.question }))),
                practise,
              )
            : null,
        ),
      );
    }
    return this.section('report-concepts', 'Weakest concepts', list);
  }

  private questionCard(entry: HistoryEntry, r: Report, q: QuestionReport): HTMLElement {
    const band = q.score === null ? null : (q.band ?? bandFor(q.score));
    const meta = [capitalise(q.level), ...q.topics.map(topicLabel), q.timeTakenSeconds !== null ? `took ${formatDuration(q.timeTakenSeconds * 1000)}` : null].filter(
      (m): m is string => Boolean(m),
    );
    const attempts = q.previousAttempts ?? [];
    const compare = attempts.length
      ? el(
          'p',
          { className: 'attempts' },
          `Earlier: ${attempts.map((a) => Math.round(a.score)).join(' → ')} → now ${q.score === null ? 'not answered' : Math.round(q.score)}`,
        )
      : null;
    const retry = el('button', {
      className: 'button secondary small starts-interview retry-question',
      attrs: { type: 'button', 'data-question-id': q.questionId },
      text: 'Retry this question',
    });
    retry.addEventListener('click', () => this.handlers.onRetry(entry, r, q.questionId));

    return el(
      'article',
      { className: `rq-card${band ? ` band-${band}` : ' unanswered'}`, id: `rq-${q.index}`, attrs: { 'data-question-id': q.questionId } },
      el(
        'header',
        { className: 'rq-head' },
        el('span', { className: 'end-q-num', text: String(q.index), attrs: { 'aria-hidden': 'true' } }),
        el(
          'div',
          { className: 'rq-title' },
          el('h3', { className: 'rq-question', text: q.question }),
          el('p', { className: 'rq-meta', text: meta.join(' · ') }),
        ),
        el(
          'div',
          { className: 'rq-score', attrs: { 'aria-label': q.score === null ? 'Not answered' : `Score ${Math.round(q.score)} out of 100` } },
          el('span', { className: 'rq-score-value', text: q.score === null ? '–' : String(Math.round(q.score)) }),
          band ? el('span', { className: `band band-${band}`, text: bandLabel(band) }) : el('span', { className: 'muted', text: 'Not answered' }),
        ),
      ),
      compare,
      q.criteria.length ? renderCriteria(q.criteria) : null,
      el('div', { className: 'rq-turns' }, ...q.turns.map((t) => this.turn(t))),
      el(
        'div',
        { className: 'rq-reveal' },
        el('h4', { text: 'Reference answer' }),
        el('p', { className: 'rq-reference', text: q.reference }),
        el('h4', { text: 'Interviewer tip' }),
        el('p', { className: 'rq-tip', text: q.tip }),
      ),
      el('div', { className: 'rq-actions' }, retry),
    );
  }

  private turn(t: TurnReport): HTMLElement {
    const followUp = t.kind === 'follow-up';
    const a = t.assessment;
    const score = a ? Math.round(a.overall) : null;
    return el(
      'div',
      { className: `rq-turn${followUp ? ' follow-up' : ''}`, attrs: { 'data-kind': t.kind } },
      followUp ? el('p', { className: 'rq-asked' }, el('span', { className: 'tag follow-up-tag', text: 'Follow-up' }), ' ', el('span', { text: t.question })) : null,
      el(
        'div',
        { className: 'rq-answer-head' },
        el('span', { className: 'rq-answer-label', text: followUp ? 'Your follow-up answer' : 'Your answer' }),
        t.timeTakenSeconds !== null ? el('span', { className: 'muted', text: formatDuration(t.timeTakenSeconds * 1000) }) : null,
        score !== null && a
          ? el('span', { className: `score-chip band-${a.band}` }, el('span', { className: 'chip-label', text: 'Score' }), el('span', { className: 'chip-value', text: String(score) }))
          : null,
      ),
      t.answer === null ? el('p', { className: 'muted rq-unanswered', text: 'Not answered.' }) : el('div', { className: 'rq-answer', text: t.answer }),
      a ? el('div', { className: 'score-sections' }, ...renderPointSections(a)) : null,
      a?.feedback ? el('p', { className: 'rq-feedback', text: a.feedback }) : null,
    );
  }
}

export function formatDate(iso: string, withTime = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return withTime ? d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

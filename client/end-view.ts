import type { Mode, QuestionKind } from '../server/realtime/contract.js';
import type { Band } from '../server/scoring/assessment.js';
import { bandFor } from './choices.js';
import { append, byId, clear, el, formatDuration } from './dom.js';
import { openPrintableReport } from './report-files.js';
import { bandLabel } from './score-card.js';

export interface EndTurn {
  turnId: string;
  kind: QuestionKind;
  overall?: number;
  band?: Band;
  /** id of the transcript element holding this turn's score card */
  anchor: string;
}

export interface EndQuestion {
  index: number;
  text: string;
  turns: EndTurn[];
}

export interface EndSummary {
  sessionId: string;
  overall: number | null;
  token: string;
  mode: Mode;
  durationMs: number | null;
  questions: EndQuestion[];
  answered: number;
  total: number;
}

/** The end screen: overall score and band, each question's scores, the way to the report, and a fresh start. */
export class EndView {
  readonly root = byId('end-screen');

  constructor(private readonly onRestart: () => void) {}

  hide(): void {
    clear(this.root);
    this.root.hidden = true;
  }

  render(summary: EndSummary): void {
    clear(this.root);
    this.root.hidden = false;
    const overall = summary.overall === null ? null : Math.round(summary.overall);
    const band = overall === null ? null : bandFor(overall);

    const facts = [
      `${summary.answered} of ${summary.total} question${summary.total === 1 ? '' : 's'} answered`,
      summary.durationMs !== null ? formatDuration(summary.durationMs) : null,
      summary.mode === 'realistic' ? 'Realistic mode' : 'Practice mode',
    ].filter((f): f is string => Boolean(f));

    const hero = el(
      'div',
      { className: 'end-hero' },
      el(
        'div',
        { className: `end-score${band ? ` band-${band}` : ''}` },
        el('span', { id: 'end-overall', text: overall === null ? '–' : String(overall) }),
        el('span', { className: 'end-score-max', text: '/100', attrs: { 'aria-hidden': 'true' } }),
      ),
      el(
        'div',
        { className: 'end-heading' },
        el('h2', { id: 'end-title', text: 'Interview complete' }),
        band ? el('span', { id: 'end-band', className: `band band-${band}`, text: bandLabel(band) }) : null,
        el('p', { className: 'end-facts', text: facts.join(' · ') }),
      ),
    );

    const list = el('ol', { className: 'end-questions', attrs: { 'aria-label': 'Scores by question' } });
    for (const q of summary.questions) {
      const scores = el('div', { className: 'end-q-scores' });
      for (const turn of q.turns) {
        const label = turn.kind === 'follow-up' ? 'Follow-up' : 'Answer';
        const value = turn.overall === undefined ? '–' : String(Math.round(turn.overall));
        const chip = el(
          'a',
          {
            className: `score-chip${turn.band ? ` band-${turn.band}` : ''}${turn.kind === 'follow-up' ? ' follow-up' : ''}`,
            attrs: {
              href: `#${turn.anchor}`,
              'aria-label': `${label}: ${turn.overall === undefined ? 'not scored' : `${value} out of 100, ${bandLabel(turn.band ?? '')}`}. Show score card.`,
            },
          },
          el('span', { className: 'chip-label', text: label }),
          el('span', { className: 'chip-value', text: value }),
        );
        scores.append(chip);
      }
      if (!q.turns.length) scores.append(el('span', { className: 'muted', text: 'Not answered' }));
      list.append(
        el(
          'li',
          { className: 'end-q' },
          el('span', { className: 'end-q-num', text: String(q.index), attrs: { 'aria-hidden': 'true' } }),
          el('span', { className: 'end-q-text', text: q.text }),
          scores,
        ),
      );
    }

    const error = el('p', { id: 'end-error', className: 'form-error', attrs: { role: 'alert' } });
    error.hidden = true;
    const viewReport = el('a', {
      id: 'view-report',
      className: 'button primary',
      attrs: { href: `#report/${encodeURIComponent(summary.sessionId)}` },
      text: 'View report',
    });
    const printable = el('button', { id: 'open-printable', className: 'button ghost', attrs: { type: 'button' }, text: 'Open printable HTML' });
    printable.addEventListener('click', () => {
      error.hidden = true;
      printable.setAttribute('aria-busy', 'true');
      openPrintableReport(summary.sessionId, summary.token)
        .catch((err: unknown) => {
          error.textContent = err instanceof Error ? err.message : 'The report could not be loaded.';
          error.hidden = false;
        })
        .finally(() => printable.removeAttribute('aria-busy'));
    });
    const restart = el('button', { id: 'restart-button', className: 'button secondary', attrs: { type: 'button' }, text: 'Start another interview' });
    restart.addEventListener('click', this.onRestart);

    append(
      this.root,
      hero,
      summary.questions.length ? el('h3', { className: 'end-subtitle', text: 'By question' }) : null,
      summary.questions.length ? list : null,
      el('div', { className: 'end-actions' }, viewReport, printable, restart),
      error,
      el('p', { className: 'end-note muted', text: 'The full transcript with every score card is below.' }),
    );
  }

  focus(): void {
    this.root.focus({ preventScroll: true });
    this.root.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }
}

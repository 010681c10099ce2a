import type { Mode, QuestionKind } from '../server/realtime/contract.js';
import type { Band } from '../server/scoring/assessment.js';
import { fetchReport, type ReportFormat } from './api.js';
import { bandFor } from './choices.js';
import { append, byId, clear, el, formatDuration } from './dom.js';
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
  overall: number | null;
  reportUrl: string;
  token: string;
  mode: Mode;
  durationMs: number | null;
  questions: EndQuestion[];
  answered: number;
  total: number;
}

/** The end screen: overall score and band, each question's scores, the report, and a fresh start. */
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

    const error = el('p', { id: 'report-error', className: 'form-error', attrs: { role: 'alert' } });
    error.hidden = true;
    const openReport = el('a', { id: 'report-link', className: 'button primary', attrs: { href: summary.reportUrl }, text: 'Open report' });
    openReport.addEventListener('click', (event) => {
      event.preventDefault();
      void this.openReport(summary, error, openReport);
    });
    const download = el('button', { id: 'download-report', className: 'button ghost', attrs: { type: 'button' }, text: 'Download Markdown' });
    download.addEventListener('click', () => void this.download(summary, 'md', error, download));
    const restart = el('button', { id: 'restart-button', className: 'button secondary', attrs: { type: 'button' }, text: 'Start another interview' });
    restart.addEventListener('click', this.onRestart);

    append(
      this.root,
      hero,
      summary.questions.length ? el('h3', { className: 'end-subtitle', text: 'By question' }) : null,
      summary.questions.length ? list : null,
      el('div', { className: 'end-actions' }, openReport, download, restart),
      error,
      el('p', { className: 'end-note muted', text: 'The full transcript with every score card is below.' }),
    );
  }

  focus(): void {
    this.root.focus({ preventScroll: true });
    this.root.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  /** Opens the HTML report in a new tab: the tab is opened during the click so pop-up blockers allow it. */
  private async openReport(summary: EndSummary, error: HTMLElement, trigger: HTMLElement): Promise<void> {
    error.hidden = true;
    const tab = window.open('', '_blank');
    if (tab) {
      tab.opener = null;
      tab.document.title = 'Loading report…';
      tab.document.body.textContent = 'Loading report…';
    }
    trigger.setAttribute('aria-busy', 'true');
    try {
      const blob = await fetchReport(summary.reportUrl, summary.token, 'html');
      const url = URL.createObjectURL(blob);
      if (tab) tab.location.href = url;
      else saveAs(url, 'interview-report.html');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      error.textContent = err instanceof Error ? err.message : 'The report could not be loaded.';
      error.hidden = false;
    } finally {
      trigger.removeAttribute('aria-busy');
    }
  }

  private async download(summary: EndSummary, format: ReportFormat, error: HTMLElement, trigger: HTMLButtonElement): Promise<void> {
    error.hidden = true;
    trigger.disabled = true;
    try {
      const blob = await fetchReport(summary.reportUrl, summary.token, format);
      const url = URL.createObjectURL(blob);
      saveAs(url, `interview-report.${format}`);
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : 'The report could not be downloaded.';
      error.hidden = false;
    } finally {
      trigger.disabled = false;
    }
  }
}

function saveAs(url: string, filename: string): void {
  const link = el('a', { attrs: { href: url, download: filename } });
  document.body.append(link);
  link.click();
  link.remove();
}

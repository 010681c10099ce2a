import type { Mode, QuestionEvent } from '../server/realtime/contract.js';
import { byId, formatDuration } from './dom.js';

/** The strip above the transcript: "Question 3 of 8", a progress bar, the mode, a timer, End interview. */
export class InterviewBar {
  private readonly progress = byId('progress');
  private readonly fill = byId('progress-fill');
  private readonly modeBadge = byId('mode-badge');
  private readonly modeNote = byId('mode-note');
  private readonly timer = byId('timer');
  private readonly endButton = byId('end-interview', HTMLButtonElement);
  private readonly dialog = byId('confirm-end', HTMLDialogElement);
  private ticking: number | undefined;
  private startedAt = Date.now();

  constructor(onEnd: () => void) {
    this.endButton.addEventListener('click', () => {
      if (typeof this.dialog.showModal === 'function') this.dialog.showModal();
      else if (window.confirm('End the interview now?')) onEnd();
    });
    this.dialog.addEventListener('close', () => {
      if (this.dialog.returnValue === 'confirm') onEnd();
      this.dialog.returnValue = '';
    });
  }

  setMode(mode: Mode): void {
    this.modeBadge.textContent = mode === 'realistic' ? 'Realistic' : 'Practice';
    this.modeBadge.dataset.mode = mode;
    this.modeNote.hidden = mode !== 'realistic';
    this.modeNote.textContent =
      mode === 'realistic'
        ? 'Realistic mode: no feedback during the interview. All your score cards appear after the last answer.'
        : '';
  }

  setQuestion(q: Pick<QuestionEvent, 'index' | 'total' | 'kind'>, done: number): void {
    this.progress.textContent = `Question ${q.index} of ${q.total}${q.kind === 'follow-up' ? ' · follow-up' : ''}`;
    this.setFill(done, q.total);
  }

  setText(text: string, done?: number, total?: number): void {
    this.progress.textContent = text;
    if (done !== undefined && total) this.setFill(done, total);
  }

  hideModeNote(): void {
    this.modeNote.hidden = true;
  }

  setEndEnabled(enabled: boolean, visible = true): void {
    this.endButton.disabled = !enabled;
    this.endButton.hidden = !visible;
  }

  startTimer(startedAt: string): void {
    const t = Date.parse(startedAt);
    this.startedAt = Number.isNaN(t) ? Date.now() : t;
    this.stopTimer();
    const tick = (): void => {
      this.timer.textContent = formatDuration(Date.now() - this.startedAt);
    };
    tick();
    this.ticking = window.setInterval(tick, 1000);
  }

  /** Stops the clock and returns the elapsed time in ms. */
  stopTimer(): number {
    if (this.ticking !== undefined) window.clearInterval(this.ticking);
    this.ticking = undefined;
    return Date.now() - this.startedAt;
  }

  private setFill(done: number, total: number): void {
    const ratio = total > 0 ? Math.max(0, Math.min(1, done / total)) : 0;
    this.fill.style.width = `${ratio * 100}%`;
  }
}

import type { Mode, QuestionEvent } from '../server/realtime/contract.js';
import { byId, formatDuration } from './dom.js';

/** The strip above the transcript: "Question 3 of 8", a progress bar, the mode, the question timer, End interview. */
export class InterviewBar {
  private readonly progress = byId('progress');
  private readonly fill = byId('progress-fill');
  private readonly modeBadge = byId('mode-badge');
  private readonly modeNote = byId('mode-note');
  private readonly timer = byId('timer');
  private readonly endButton = byId('end-interview', HTMLButtonElement);
  private readonly dialog = byId('confirm-end', HTMLDialogElement);
  private readonly timerValue = byId('timer-value');
  private readonly timerLimit = byId('timer-limit');
  private readonly timerNote = byId('timer-note');
  private ticking: number | undefined;
  private askedAt = Date.now();
  private limitSeconds = 0;

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

  /**
   * Starts the clock for a question: elapsed time against its soft budget. Past the budget the timer
   * turns to a warning style with a gentle note; answering is never blocked (the server records the
   * time taken from its own timestamps).
   */
  startQuestionTimer(askedAtMs: number, softLimitSeconds: number): void {
    this.stopTimer();
    this.askedAt = Math.min(askedAtMs, Date.now());
    this.limitSeconds = softLimitSeconds > 0 ? softLimitSeconds : 0;
    this.timer.hidden = false;
    this.timer.dataset.state = 'running';
    const tick = (): void => this.renderTimer();
    tick();
    this.ticking = window.setInterval(tick, 1000);
  }

  /** Freezes the clock at the time the answer was sent. */
  pauseTimer(): void {
    this.stopTimer();
    if (this.timer.dataset.state === 'running') this.timer.dataset.state = 'paused';
    this.timerNote.hidden = true;
  }

  stopTimer(): void {
    if (this.ticking !== undefined) window.clearInterval(this.ticking);
    this.ticking = undefined;
  }

  hideTimer(): void {
    this.stopTimer();
    this.timer.hidden = true;
    this.timer.dataset.state = 'idle';
    this.timer.classList.remove('over');
    this.timerNote.hidden = true;
  }

  private renderTimer(): void {
    const elapsedMs = Date.now() - this.askedAt;
    const limit = this.limitSeconds;
    const over = limit > 0 && elapsedMs >= limit * 1000;
    this.timerValue.textContent = formatDuration(elapsedMs);
    this.timerLimit.textContent = limit > 0 ? ` / ${formatDuration(limit * 1000)}` : '';
    this.timer.classList.toggle('over', over);
    this.timer.title = limit > 0 ? `Time on this question; about ${minutes(limit)} suggested` : 'Time on this question';
    // Shown once per question, not re-announced every second.
    if (over && this.timerNote.hidden) {
      this.timerNote.textContent = `Over the suggested ${minutes(limit)} — wrap up when ready.`;
      this.timerNote.hidden = false;
    } else if (!over) {
      this.timerNote.hidden = true;
    }
  }

  private setFill(done: number, total: number): void {
    const ratio = total > 0 ? Math.max(0, Math.min(1, done / total)) : 0;
    this.fill.style.width = `${ratio * 100}%`;
  }
}

/** 300 -> "5 min", 90 -> "1.5 min", 45 -> "45 s". */
function minutes(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = seconds / 60;
  return `${Number.isInteger(m) ? m : m.toFixed(1)} min`;
}

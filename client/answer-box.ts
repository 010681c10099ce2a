import { MAX_ANSWER_CHARS } from './choices.js';
import { byId, isMac } from './dom.js';

/**
 * The composer: a textarea with a character counter, Ctrl/Cmd+Enter to submit, and an inline error.
 * It is enabled only while a question is waiting for an answer and nothing is in flight.
 */
export class AnswerBox {
  readonly form = byId('answer-form', HTMLFormElement);
  private readonly input = byId('answer', HTMLTextAreaElement);
  private readonly button = byId('submit-answer', HTMLButtonElement);
  private readonly counter = byId('char-count');
  private readonly hint = byId('answer-hint');
  private readonly error = byId('answer-error');
  private ready = false;
  private busy = false;
  private online = true;

  constructor(onSubmit: (text: string) => void) {
    const shortcut = isMac() ? '⌘ Enter' : 'Ctrl + Enter';
    this.hint.textContent = `${shortcut} to submit`;
    this.input.addEventListener('input', () => this.refresh());
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!this.canSubmit()) return;
      onSubmit(this.input.value);
    });
    this.refresh();
  }

  /** A question is waiting: the box opens (keeping any draft) and takes focus. */
  open(): void {
    this.ready = true;
    this.busy = false;
    this.refresh();
    if (this.online) this.input.focus({ preventScroll: true });
  }

  /** No question to answer (between turns, or the interview is over). */
  close(placeholder = 'Waiting for the next question…'): void {
    this.ready = false;
    this.input.placeholder = placeholder;
    this.refresh();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.refresh();
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.refresh();
  }

  clearText(): void {
    this.input.value = '';
    this.refresh();
  }

  showError(message: string | null): void {
    this.error.textContent = message ?? '';
    this.error.hidden = !message;
  }

  setVisible(visible: boolean): void {
    this.form.hidden = !visible;
  }

  private length(): number {
    return [...this.input.value].length;
  }

  private canSubmit(): boolean {
    const length = this.length();
    return this.ready && !this.busy && this.online && this.input.value.trim().length > 0 && length <= MAX_ANSWER_CHARS;
  }

  private refresh(): void {
    const length = this.length();
    const over = length > MAX_ANSWER_CHARS;
    this.counter.textContent = over
      ? `${length.toLocaleString()} / ${MAX_ANSWER_CHARS.toLocaleString()} · ${(length - MAX_ANSWER_CHARS).toLocaleString()} over`
      : `${length.toLocaleString()} / ${MAX_ANSWER_CHARS.toLocaleString()}`;
    this.counter.classList.toggle('over', over);
    this.counter.classList.toggle('near', !over && length > MAX_ANSWER_CHARS * 0.9);
    this.input.setAttribute('aria-invalid', String(over));
    this.input.disabled = !this.ready || this.busy;
    if (this.ready) this.input.placeholder = this.online ? 'Type your answer…' : 'Reconnecting… your draft is kept.';
    this.button.disabled = !this.canSubmit();
    this.button.textContent = this.busy ? 'Sending…' : 'Submit answer';
    this.form.setAttribute('aria-busy', String(this.busy));
  }
}

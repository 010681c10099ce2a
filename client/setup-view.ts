import type { StartPayload } from '../server/realtime/contract.js';
import type { BankSummary } from './api.js';
import { FOLLOW_UPS, LEVELS, MODES, QUESTION_COUNT, isLevel, isMode } from './choices.js';
import { byId, clear, el } from './dom.js';
import type { HistoryEntry } from './session-store.js';

/** The setup form: what the candidate wants to practise, turned into an `interview:start` payload. */
export class SetupView {
  readonly root = byId('setup-view');
  private readonly form = byId('setup-form', HTMLFormElement);
  private readonly candidate = byId('candidate', HTMLInputElement);
  private readonly bankField = byId('bank-field');
  private readonly bank = byId('bank', HTMLSelectElement);
  private readonly level = byId('level', HTMLSelectElement);
  private readonly levelHint = byId('level-hint');
  private readonly count = byId('question-count', HTMLInputElement);
  private readonly countHint = byId('question-count-hint');
  private readonly followUps = byId('follow-ups', HTMLSelectElement);
  private readonly topics = byId('topics');
  private readonly modes = byId('modes');
  private readonly error = byId('setup-error');
  private readonly start = byId('start-button', HTMLButtonElement);
  private readonly resumeBanner = byId('resume-banner');
  private readonly resumeDetail = byId('resume-detail');
  private readonly resumeButton = byId('resume-button', HTMLButtonElement);
  private readonly discardButton = byId('discard-button', HTMLButtonElement);
  private readonly resumeError = byId('resume-error');
  private readonly teaser = byId('history-teaser');
  private readonly teaserText = byId('history-teaser-text');
  private banks: BankSummary[] = [];
  private maxQuestions: number = QUESTION_COUNT.max;

  constructor(handlers: { onStart: (payload: StartPayload) => void; onResume: () => void; onDiscard: () => void }) {
    for (const level of LEVELS) this.level.append(el('option', { attrs: { value: level.value }, text: level.label }));
    this.level.value = 'mixed';
    this.level.addEventListener('change', () => this.updateLevelHint());
    this.updateLevelHint();

    for (let n = FOLLOW_UPS.min; n <= FOLLOW_UPS.max; n++) {
      this.followUps.append(el('option', { attrs: { value: n }, text: n === 0 ? 'None' : String(n) }));
    }
    this.followUps.value = String(FOLLOW_UPS.default);

    this.count.value = String(QUESTION_COUNT.default);
    this.count.addEventListener('input', () => this.validateCount());

    MODES.forEach((mode, i) => {
      const id = `mode-${mode.value}`;
      const input = el('input', { id, attrs: { type: 'radio', name: 'mode', value: mode.value, 'aria-describedby': `${id}-hint` } });
      input.checked = i === 0;
      this.modes.append(
        el(
          'label',
          { className: 'mode-option', attrs: { for: id } },
          input,
          el('span', { className: 'mode-title', text: mode.label }),
          el('span', { className: 'mode-hint', id: `${id}-hint`, text: mode.hint }),
        ),
      );
    });

    this.bank.addEventListener('change', () => this.renderTopics());

    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const payload = this.read();
      if (payload) handlers.onStart(payload);
    });
    this.resumeButton.addEventListener('click', handlers.onResume);
    this.discardButton.addEventListener('click', handlers.onDiscard);
  }

  setBanks(banks: BankSummary[]): void {
    this.banks = banks;
    clear(this.bank);
    for (const bank of banks) {
      this.bank.append(el('option', { attrs: { value: bank.id }, text: `${bank.title} (${bank.questionCount} questions)` }));
    }
    this.bankField.hidden = banks.length < 2;
    this.renderTopics();
  }

  setBanksUnavailable(): void {
    clear(this.topics);
    this.topics.append(el('span', { className: 'muted', text: 'Topics could not be loaded; the interview will cover all topics.' }));
  }

  setBusy(busy: boolean): void {
    this.start.disabled = busy;
    this.start.textContent = busy ? 'Starting…' : 'Start interview';
    this.start.setAttribute('aria-busy', String(busy));
  }

  showError(message: string | null): void {
    this.error.textContent = message ?? '';
    this.error.hidden = !message;
  }

  offerResume(session: HistoryEntry | null): void {
    this.resumeBanner.hidden = !session;
    this.showResumeError(null);
    if (!session) return;
    const started = new Date(session.startedAt);
    const when = Number.isNaN(started.getTime())
      ? ''
      : started.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    const who = session.candidate ? ` as ${session.candidate}` : '';
    this.resumeDetail.textContent = ` Started${when ? ` ${when}` : ''}${who}. Pick up where you left off.`;
  }

  /** A line above the form pointing at History, once there is any. */
  showHistory(entries: readonly HistoryEntry[]): void {
    this.teaser.hidden = entries.length === 0;
    if (!entries.length) return;
    const scored = entries.find((e) => e.status === 'complete' && typeof e.overall === 'number');
    const count = `${entries.length} interview${entries.length === 1 ? '' : 's'} in your history`;
    this.teaserText.textContent = scored ? `${count} · latest score ${Math.round(scored.overall!)}` : count;
  }

  setResumeBusy(busy: boolean): void {
    this.resumeButton.disabled = busy;
    this.discardButton.disabled = busy;
    this.resumeButton.textContent = busy ? 'Resuming…' : 'Resume';
  }

  showResumeError(message: string | null): void {
    this.resumeError.textContent = message ?? '';
    this.resumeError.hidden = !message;
  }

  focus(): void {
    this.candidate.focus();
  }

  private updateLevelHint(): void {
    this.levelHint.textContent = LEVELS.find((l) => l.value === this.level.value)?.hint ?? '';
  }

  private selectedBank(): BankSummary | undefined {
    return this.banks.find((b) => b.id === this.bank.value) ?? this.banks[0];
  }

  private renderTopics(): void {
    const bank = this.selectedBank();
    const checked = new Set(this.checkedTopics());
    clear(this.topics);
    if (!bank) return this.setBanksUnavailable();
    for (const topic of [...bank.topics].sort()) {
      const id = `topic-${topic.replace(/[^a-z0-9-]/gi, '-')}`;
      const input = el('input', { id, attrs: { type: 'checkbox', name: 'topic', value: topic } });
      input.checked = checked.has(topic);
      this.topics.append(el('label', { className: 'chip', attrs: { for: id } }, input, el('span', { text: topicLabel(topic) })));
    }
    this.maxQuestions = Math.max(QUESTION_COUNT.min, Math.min(QUESTION_COUNT.max, bank.questionCount || QUESTION_COUNT.max));
    this.count.max = String(this.maxQuestions);
    this.countHint.textContent = `Between ${QUESTION_COUNT.min} and ${this.maxQuestions}.`;
  }

  private checkedTopics(): string[] {
    return [...this.topics.querySelectorAll<HTMLInputElement>('input[name="topic"]:checked')].map((i) => i.value);
  }

  private validateCount(): number | null {
    const n = Number(this.count.value);
    const ok = Number.isInteger(n) && n >= QUESTION_COUNT.min && n <= this.maxQuestions;
    this.count.setAttribute('aria-invalid', String(!ok));
    return ok ? n : null;
  }

  private read(): StartPayload | null {
    const questionCount = this.validateCount();
    if (questionCount === null) {
      this.showError(`Choose between ${QUESTION_COUNT.min} and ${this.maxQuestions} questions.`);
      this.count.focus();
      return null;
    }
    this.showError(null);
    const mode = this.form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ?? 'practice';
    const candidate = this.candidate.value.trim();
    const topics = this.checkedTopics();
    const payload: StartPayload = {
      questionCount,
      followUps: Number(this.followUps.value),
      mode: isMode(mode) ? mode : 'practice',
      level: isLevel(this.level.value) ? this.level.value : 'mixed',
    };
    if (candidate) payload.candidate = candidate;
    if (topics.length) payload.topics = topics;
    if (this.banks.length > 1 && this.bank.value) payload.bank = this.bank.value;
    return payload;
  }
}

/** "distributed-systems" -> "Distributed systems"; "api-design" -> "API design". */
export function topicLabel(topic: string): string {
  const special: Record<string, string> = { devops: 'DevOps', graphql: 'GraphQL', grpc: 'gRPC', nosql: 'NoSQL', oauth: 'OAuth' };
  const acronyms = new Set(['api', 'sql', 'http', 'ci', 'cd', 'dns', 'tls', 'jwt', 'rest', 'cap', 'acid']);
  const words = topic.split(/[-_\s]+/).filter(Boolean);
  return words
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (special[lower]) return special[lower];
      if (acronyms.has(lower)) return w.toUpperCase();
      return i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w;
    })
    .join(' ');
}

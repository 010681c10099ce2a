import type { QuestionKind } from '../server/realtime/contract.js';
import type { Assessment } from '../server/scoring/assessment.js';
import { byId, clear, el } from './dom.js';
import { renderScoreCard } from './score-card.js';

/** What the transcript knows about a question turn; index/kind are unknown for some resumed turns. */
export interface QuestionInfo {
  turnId: string;
  text: string;
  index?: number;
  total?: number;
  kind?: QuestionKind;
  /** the bank question id, when known */
  questionId?: string;
}

export function questionTitle(info: { index?: number; total?: number; kind?: QuestionKind }): string {
  const base = info.index ? `Question ${info.index}${info.total ? ` of ${info.total}` : ''}` : 'Question';
  return info.kind === 'follow-up' ? `${base} · follow-up` : base;
}

const prefersReducedMotion = (): boolean => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * The transcript: interviewer questions, the candidate's answers and, under each answer, its
 * scoring state (scoring…, streamed feedback, held until the end) or its score card.
 */
export class ChatView {
  private readonly list = byId('chat', HTMLOListElement);
  private candidateName = '';
  /**
   * The newest score card since the last answer. Auto-scroll never goes past its top, so a question
   * that arrives right after a long card does not push the candidate's feedback out of view.
   */
  private keepInView: HTMLElement | null = null;

  reset(candidateName: string): void {
    clear(this.list);
    this.keepInView = null;
    this.candidateName = candidateName;
  }

  hasQuestion(turnId: string): boolean {
    return this.find('msg interviewer', turnId) !== null;
  }

  addQuestion(info: QuestionInfo): void {
    const existing = this.find('msg interviewer', info.turnId);
    const node = this.renderQuestion(info);
    if (existing) existing.replaceWith(node);
    else this.list.append(node);
    this.scrollToEnd(true);
  }

  /** Adds the candidate's answer; `sending` shows it dimmed until the server acknowledges it. */
  addAnswer(turnId: string, text: string, sending = false): void {
    const node = el(
      'li',
      { className: 'msg candidate', attrs: { 'data-turn-id': turnId, 'aria-busy': sending ? 'true' : undefined } },
      el(
        'div',
        { className: 'msg-meta' },
        el('span', { className: 'msg-author', text: this.candidateName || 'You' }),
        sending ? el('span', { className: 'msg-state', text: 'Sending…' }) : null,
      ),
      el('div', { className: 'msg-body', text }),
    );
    if (sending) node.classList.add('sending');
    this.keepInView = null;
    const existing = this.find('msg candidate', turnId);
    if (existing) existing.replaceWith(node);
    else this.insertAfterTurn(turnId, node);
    this.scrollToEnd(true);
  }

  confirmAnswer(turnId: string): void {
    const node = this.find('msg candidate', turnId);
    if (!node) return;
    node.classList.remove('sending');
    node.removeAttribute('aria-busy');
    node.querySelector('.msg-state')?.remove();
  }

  removeAnswer(turnId: string): void {
    this.find('msg candidate', turnId)?.remove();
    this.find('assessment-slot', turnId)?.remove();
  }

  hasAnswer(turnId: string): boolean {
    return this.find('msg candidate', turnId) !== null;
  }

  /** "Scoring…" under the answer, replaced by the card when the result arrives. */
  showScoring(turnId: string): void {
    const slot = this.slot(turnId);
    if (slot.dataset.state === 'scored') return;
    clear(slot);
    slot.dataset.state = 'scoring';
    slot.append(
      el(
        'div',
        { className: 'scoring', attrs: { role: 'status' } },
        el('span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'scoring-label', text: 'Scoring…' }),
        el('p', { className: 'stream', attrs: { 'aria-live': 'off' } }),
      ),
    );
    this.scrollToEnd(false);
  }

  /** Realistic mode: the answer is stored, its score comes at the end. */
  showHeld(turnId: string): void {
    const slot = this.slot(turnId);
    if (slot.dataset.state === 'scored') return;
    clear(slot);
    slot.dataset.state = 'held';
    slot.append(el('p', { className: 'held-note', text: 'Answer recorded. Your results come at the end of the interview.' }));
  }

  /**
   * Streamed narrative while the grader works. Servers may stream chunks or the text so far; a delta
   * that starts with what is shown already replaces it, anything else is appended.
   */
  appendDelta(turnId: string, text: string): void {
    if (!this.hasAnswer(turnId)) return;
    const slot = this.slot(turnId);
    if (slot.dataset.state === 'scored') return;
    if (slot.dataset.state !== 'scoring') this.showScoring(turnId);
    const stream = slot.querySelector<HTMLElement>('.stream');
    if (!stream) return;
    const current = stream.textContent ?? '';
    stream.textContent = current && text.startsWith(current) ? text : current + text;
    stream.classList.add('live');
    this.scrollToEnd(false);
  }

  showResult(turnId: string, assessment: Assessment, title: string): HTMLElement {
    const slot = this.slot(turnId);
    clear(slot);
    slot.dataset.state = 'scored';
    const card = renderScoreCard(assessment, { title });
    slot.append(card);
    this.keepInView = card;
    this.scrollToEnd(true);
    return card;
  }

  /** The id of a score card's slot, for links from the end screen. */
  slotId(turnId: string): string {
    return `turn-${turnId.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  }

  scrollToEnd(force: boolean): void {
    const doc = document.documentElement;
    const nearBottom = doc.scrollHeight - (window.scrollY + window.innerHeight) < 240;
    if (!force && !nearBottom) return;
    let top = doc.scrollHeight;
    if (this.keepInView?.isConnected) {
      // Sticky header and progress bar cover the top of the viewport.
      const covered = document.querySelector('.interview-bar')?.getBoundingClientRect().bottom ?? 0;
      const cardTop = this.keepInView.getBoundingClientRect().top + window.scrollY - covered - 12;
      top = Math.min(top, cardTop);
    }
    window.scrollTo({ top, behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  }

  private renderQuestion(info: QuestionInfo): HTMLLIElement {
    const followUp = info.kind === 'follow-up';
    return el(
      'li',
      {
        className: `msg interviewer${followUp ? ' follow-up' : ''}`,
        attrs: { 'data-turn-id': info.turnId, 'data-kind': info.kind ?? 'bank', 'data-index': info.index, 'data-question-id': info.questionId },
      },
      el(
        'div',
        { className: 'msg-meta' },
        el('span', { className: 'msg-author', text: 'Interviewer' }),
        info.index ? el('span', { className: 'msg-index', text: `Question ${info.index}` }) : null,
        followUp ? el('span', { className: 'tag follow-up-tag', text: 'Follow-up' }) : null,
      ),
      el('div', { className: 'msg-body', text: info.text }),
    );
  }

  private find(className: string, turnId: string): HTMLElement | null {
    const selector = `li.${className.split(' ').join('.')}`;
    for (const node of this.list.querySelectorAll<HTMLElement>(selector)) {
      if (node.dataset.turnId === turnId) return node;
    }
    return null;
  }

  private slot(turnId: string): HTMLElement {
    const existing = this.find('assessment-slot', turnId);
    if (existing) return existing;
    const slot = el('li', { className: 'assessment-slot', id: this.slotId(turnId), attrs: { 'data-turn-id': turnId } });
    const answer = this.find('msg candidate', turnId);
    if (answer) answer.after(slot);
    else this.list.append(slot);
    return slot;
  }

  /** An answer goes right after its question (and before anything later), else at the end. */
  private insertAfterTurn(turnId: string, node: HTMLElement): void {
    const question = this.find('msg interviewer', turnId);
    if (question) question.after(node);
    else this.list.append(node);
  }
}

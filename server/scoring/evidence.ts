import { clauseSpans, type Span } from './text/segments.js';

/** Longest evidence excerpt, in characters. */
export const MAX_EVIDENCE_CHARS = 200;

/**
 * The clause of the answer around a match, cut verbatim from the answer (so it is always a substring),
 * trimmed, and narrowed to a word-bounded window when the clause is longer than MAX_EVIDENCE_CHARS.
 */
export function evidenceFor(answer: string, hit: Span, clauses: Span[] = clauseSpans(answer, MAX_EVIDENCE_CHARS)): string {
  const clause = clauses.find((c) => c.start <= hit.start && hit.start < c.end) ?? hit;
  let { start, end } = clause;
  if (end - start > MAX_EVIDENCE_CHARS) {
    const mid = Math.floor((hit.start + Math.min(hit.end, hit.start + MAX_EVIDENCE_CHARS)) / 2);
    start = Math.max(clause.start, mid - MAX_EVIDENCE_CHARS / 2);
    end = Math.min(clause.end, start + MAX_EVIDENCE_CHARS);
    start = Math.max(clause.start, Math.min(start, end - MAX_EVIDENCE_CHARS));
    // snap to word boundaries by shrinking, so the window never exceeds the limit
    while (start > clause.start && start < end && /\S/.test(answer[start - 1]!)) start++;
    while (end < clause.end && end > start && /\S/.test(answer[end]!)) end--;
  }
  return answer.slice(start, end).trim();
}

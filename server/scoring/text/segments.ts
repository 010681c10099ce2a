/** A stretch of the original text: source.slice(start, end). */
export interface Span {
  start: number;
  end: number;
}

// Sentence ends, semicolons and line breaks close a segment. A period only ends a sentence when
// whitespace follows, so "node.js", "e.g." inside a word and "3.5" stay inside their sentence.
const BOUNDARY = /[.!?]+(?=\s|$)|[;\n]+/g;

/** Sentence-like spans of a text, trimmed, empty ones dropped. */
export function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  let from = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    push(text, from, m.index + m[0].length, spans);
    from = m.index + m[0].length;
  }
  push(text, from, text.length, spans);
  return spans;
}

/**
 * Clause spans: sentences, further split at commas and colons when a sentence is long, so a derived
 * key point or an evidence excerpt stays about one idea.
 */
export function clauseSpans(text: string, longerThan = 120): Span[] {
  const out: Span[] = [];
  for (const s of sentenceSpans(text)) {
    if (s.end - s.start <= longerThan) {
      out.push(s);
      continue;
    }
    let from = s.start;
    const sentence = text.slice(s.start, s.end);
    for (const m of sentence.matchAll(/[,:]\s+/g)) {
      const cut = s.start + m.index + 1;
      // never cut inside brackets: "(consistent, tolerates partitions)" is one idea
      if (depth(sentence.slice(0, m.index)) > 0) continue;
      if (cut - from >= 25) {
        push(text, from, cut, out);
        from = cut;
      }
    }
    push(text, from, s.end, out);
  }
  return out;
}

function push(text: string, start: number, end: number, into: Span[]): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start && /[\p{L}\p{N}]/u.test(text.slice(start, end))) into.push({ start, end });
}

function depth(text: string): number {
  let d = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') d++;
    else if ((ch === ')' || ch === ']' || ch === '}') && d > 0) d--;
  }
  return d;
}

import { sentenceSpans, type Span } from './text/segments.js';
import type { Term } from './text/terms.js';

// Text addressed to a grader rather than an interviewer. Such sentences are removed before scoring, so
// they neither add cue matches nor change any other measure.
const INJECTION = [
  /\b(ignore|disregard|forget|override)\b.{0,40}\b(instruction|instructions|prompt|rules|rubric|above|previous|prior)\b/i,
  /\b(score|grade|rate|mark)\s+(this|me|it|the answer|my answer)?\s*(as\s+|with\s+|a\s+)?(\d{2,3}|full|max(imum)?|perfect|strong|top)\b/i,
  /\b(give|award|assign)\s+(me|this|it)?\s*(a\s+)?(\d{2,3}|full|max(imum)?|perfect|top)\s*(score|marks|points|%)?/i,
  /\b(system prompt|you are now|act as|new instructions|developer mode|jailbreak)\b/i,
  /\b(as an ai|language model)\b/i,
];

/** Sentences of the answer that try to instruct the grader. */
export function injectionSpans(answer: string): Span[] {
  return sentenceSpans(answer).filter((s) => INJECTION.some((re) => re.test(answer.slice(s.start, s.end))));
}

/**
 * Share of an answer's words that work as function words: ~0.35-0.55 in explanations, near 0 in a
 * keyword list. A stop word inside a compound ("in-memory", "write-through") or in capitals (the
 * GET and SET commands) is part of a term, not of a sentence.
 */
export function functionWordShare(terms: readonly Term[], source: string): number {
  if (terms.length === 0) return 0;
  let n = 0;
  for (const t of terms) {
    if (!t.stop) continue;
    const joined = source[t.start - 1] === '-' || source[t.end] === '-';
    const capitals = t.lower.length > 1 && source.slice(t.start, t.end) === t.lower.toUpperCase();
    if (!joined && !capitals) n++;
  }
  return n / terms.length;
}

const VOWELS = /[aeiouy]/;
const KEYBOARD_RUNS = ['qwert', 'werty', 'asdf', 'sdfg', 'dfgh', 'fghj', 'ghjk', 'hjkl', 'zxcv', 'xcvb', 'cvbn', 'vbnm', 'uiop', 'yuio'];

/**
 * Share of content words that cannot be words: letters only, yet no vowel in 4+ letters, a run of five
 * consonants, or a keyboard row ("asdf", "zxcv"). Abbreviations with digits ("k8s", "s3") pass.
 */
export function gibberishShare(content: readonly Term[]): number {
  if (content.length === 0) return 0;
  let bad = 0;
  for (const t of content) {
    const w = t.lower;
    if (/\d/.test(w)) continue;
    if ((w.length >= 4 && !VOWELS.test(w)) || /[^aeiouy\W\d]{5,}/.test(w) || KEYBOARD_RUNS.some((r) => w.includes(r))) bad++;
  }
  return bad / content.length;
}

import { isStopWord } from './stop-words.js';
import { stem } from './stem.js';
import { canonical } from './synonyms.js';
import { tokenise } from './tokenise.js';

/** A token with the forms the scorer compares. */
export interface Term {
  lower: string;
  /** Porter stem */
  stem: string;
  /** stem folded through the synonym groups: the form two terms are matched on */
  key: string;
  /** a function word or filler */
  stop: boolean;
  /** offsets into the source text */
  start: number;
  end: number;
}

/** A text broken into terms, with the content terms (stop words dropped) kept separately. */
export interface AnalysedText {
  source: string;
  terms: Term[];
  content: Term[];
}

/** Tokenises, stems and marks stop words. Pure and cheap: ~1 µs per word after the stem cache warms. */
export function analyse(source: string): AnalysedText {
  const terms: Term[] = tokenise(source).map((t) => {
    const s = stem(t.lower);
    return { lower: t.lower, stem: s, key: canonical(s), stop: isStopWord(t.lower), start: t.start, end: t.end };
  });
  return { source, terms, content: terms.filter((t) => !t.stop) };
}

/** Distinct match keys of the content terms. */
export function contentKeys(text: AnalysedText): Set<string> {
  return new Set(text.content.map((t) => t.key));
}

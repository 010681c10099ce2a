/** One word of a text, with its position so evidence can be cut verbatim from the original. */
export interface Token {
  /** the word as written */
  text: string;
  /** lowercased, curly apostrophes folded, possessive 's dropped */
  lower: string;
  /** UTF-16 offsets into the original text: text === source.slice(start, end) */
  start: number;
  end: number;
}

// Letters and digits form words; everything else (/, -, ., quotes, brackets) separates them, so
// "/v1/users" -> v1 users, "CI/CD" -> ci cd, "base62" and "429" stay whole. An inner apostrophe
// keeps contractions together ("don't") so the stop-word list can drop them.
const WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*/gu;

/** Splits text into word tokens with their offsets. */
export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    const word = m[0];
    out.push({ text: word, lower: lowerWord(word), start, end: start + word.length });
  }
  return out;
}

function lowerWord(word: string): string {
  let w = word.toLowerCase().replace(/\u2019/g, "'");
  if (w.endsWith("'s")) w = w.slice(0, -2);
  return w;
}

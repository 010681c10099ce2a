/**
 * Checks a model's quote against the text it claims to quote. Case, runs of whitespace, typographic
 * quotes/apostrophes and dashes may differ (models "tidy" those); anything else must match. The result
 * is the exact substring of the source, so what gets stored is the candidate's own words, never the
 * model's rewrite of them.
 */

/** a quote shorter than this (after normalising) proves nothing and is rejected */
export const MIN_QUOTE_CHARS = 3;

const FOLD: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u00a0': ' ',
};

/** Normalised text plus, for each of its characters, the offset of the source character it came from. */
function normalise(text: string): { text: string; origin: number[]; ends: number[] } {
  let out = '';
  const origin: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  let lastWasSpace = true; // drops leading whitespace
  for (const ch of text) {
    const start = offset;
    offset += ch.length;
    if (/\s/u.test(ch)) {
      if (!lastWasSpace) {
        out += ' ';
        origin.push(start);
        ends.push(offset);
      }
      lastWasSpace = true;
      continue;
    }
    lastWasSpace = false;
    const folded = (FOLD[ch] ?? ch).toLowerCase();
    for (let k = 0; k < folded.length; k++) {
      origin.push(start);
      ends.push(offset);
    }
    out += folded;
  }
  if (out.endsWith(' ')) {
    out = out.slice(0, -1);
    origin.pop();
    ends.pop();
  }
  return { text: out, origin, ends };
}

/** Quote marks and ellipses models put around an excerpt; they are not part of the quote. */
const WRAPPING = /^[\s"'`\u2018\u2019\u201c\u201d\u00ab\u00bb.\u2026]+|[\s"'`\u2018\u2019\u201c\u201d\u00ab\u00bb\u2026]+$|\.{2,}$/gu;

/**
 * The exact substring of `source` that `quote` quotes, or undefined when it is not there.
 * Surrounding quote marks and leading/trailing ellipses on the quote are ignored.
 */
export function locateQuote(source: string, quote: string): string | undefined {
  let bare = quote;
  for (let prev = ''; prev !== bare; ) {
    prev = bare;
    bare = bare.replace(WRAPPING, '');
  }
  const needle = normalise(bare).text;
  if (needle.replace(/\s/g, '').length < MIN_QUOTE_CHARS) return undefined;
  const hay = normalise(source);
  const at = hay.text.indexOf(needle);
  if (at < 0) return undefined;
  return source.slice(hay.origin[at], hay.ends[at + needle.length - 1]);
}

import { stemmer } from 'stemmer';

const cache = new Map<string, string>();

/**
 * Porter stem of a lowercased word, memoised (answers repeat words a lot and the CLI scores thousands).
 * Numbers and very short words are kept as they are: "429" and "v1" are exact tokens, not inflections.
 */
export function stem(lower: string): string {
  let s = cache.get(lower);
  if (s !== undefined) return s;
  s = lower.length <= 2 || /\d/.test(lower) ? lower : stemmer(lower);
  if (cache.size > 50_000) cache.clear();
  cache.set(lower, s);
  return s;
}

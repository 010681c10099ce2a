/**
 * How well one match key stands for another: 1 for the same key, a partial credit for a shared
 * stem prefix ("scalabl" ~ "scale", "partit" ~ "partitioned" after stemming), 0 otherwise.
 * The prefix rule needs 5+ characters in the shorter key so "part" never matches "partition".
 */
export function keyMatch(a: string, b: string): number {
  if (a === b) return 1;
  const short = a.length <= b.length ? a : b;
  const long = short === a ? b : a;
  if (short.length < 5 || /\d/.test(short)) return 0;
  let n = 0;
  while (n < short.length && short.charCodeAt(n) === long.charCodeAt(n)) n++;
  return n >= 5 && n / short.length >= 0.8 ? SOFT_MATCH : 0;
}

/** Credit for a prefix (morphological) match. */
export const SOFT_MATCH = 0.6;

/** Best match of a key against a set of keys. */
export function bestMatch(key: string, within: ReadonlySet<string>): number {
  if (within.has(key)) return 1;
  let best = 0;
  for (const k of within) {
    const m = keyMatch(key, k);
    if (m > best) best = m;
  }
  return best;
}

/**
 * Weighted share of `from` keys that find a match in `to`: recall when `from` is the reference,
 * precision when `from` is the answer. Empty `from` gives 0.
 */
export function alignedShare(from: ReadonlySet<string>, to: ReadonlySet<string>, weight: (k: string) => number = () => 1): number {
  let total = 0;
  let got = 0;
  for (const k of from) {
    const w = weight(k);
    total += w;
    got += w * bestMatch(k, to);
  }
  return total === 0 ? 0 : got / total;
}

/** Cosine of two sparse vectors given as maps. */
export function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    const w = b.get(k);
    if (w !== undefined) dot += v * w;
  }
  for (const v of b.values()) nb += v * v;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

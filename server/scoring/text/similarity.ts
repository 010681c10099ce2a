/** Credit for a prefix (morphological) match. */
export const SOFT_MATCH = 0.6;

/** Characters two keys must share at the start for a partial match; also the bucket width of KeySet. */
const PREFIX = 5;

/**
 * How well one match key stands for another: 1 for the same key, a partial credit for a shared
 * stem prefix ("expir" ~ "expiri", i.e. expire ~ expiry), 0 otherwise. The shorter key needs 5+
 * characters, 80 % of them shared, so "part" never matches "partit".
 */
export function keyMatch(a: string, b: string): number {
  if (a === b) return 1;
  const short = a.length <= b.length ? a : b;
  const long = short === a ? b : a;
  if (short.length < PREFIX || /\d/.test(short)) return 0;
  let n = 0;
  while (n < short.length && short.charCodeAt(n) === long.charCodeAt(n)) n++;
  return n >= PREFIX && n / short.length >= 0.8 ? SOFT_MATCH : 0;
}

/**
 * A set of match keys that answers "what matches this key" without scanning every member: keys are
 * bucketed by their first PREFIX characters, the only ones that can partially match each other.
 */
export class KeySet {
  readonly keys: ReadonlySet<string>;
  private buckets: Map<string, string[]> | undefined;

  constructor(keys: Iterable<string>) {
    this.keys = new Set(keys);
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Members that match `key` at all, with the strength of each match. */
  matches(key: string): Array<[string, number]> {
    const out: Array<[string, number]> = this.keys.has(key) ? [[key, 1]] : [];
    if (key.length < PREFIX) return out;
    for (const k of this.bucketed().get(key.slice(0, PREFIX)) ?? []) {
      if (k === key) continue;
      const m = keyMatch(key, k);
      if (m > 0) out.push([k, m]);
    }
    return out;
  }

  /** The strongest match of `key` among the members, 0 for none. */
  best(key: string): number {
    if (this.keys.has(key)) return 1;
    let best = 0;
    for (const [, m] of this.matches(key)) if (m > best) best = m;
    return best;
  }

  private bucketed(): Map<string, string[]> {
    if (!this.buckets) {
      this.buckets = new Map();
      for (const k of this.keys) {
        if (k.length < PREFIX) continue;
        const p = k.slice(0, PREFIX);
        const list = this.buckets.get(p);
        if (list) list.push(k);
        else this.buckets.set(p, [k]);
      }
    }
    return this.buckets;
  }
}

/**
 * Share of `from` keys that find a match in `to`: recall when `from` is the reference, precision when
 * `from` is the answer. Empty `from` gives 0.
 */
export function alignedShare(from: Iterable<string>, to: KeySet): number {
  let total = 0;
  let got = 0;
  for (const k of from) {
    total++;
    got += to.best(k);
  }
  return total === 0 ? 0 : got / total;
}

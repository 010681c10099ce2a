import { stem } from './text/stem.js';
import { canonical } from './text/synonyms.js';
import { keyMatch } from './text/similarity.js';
import { analyse, type AnalysedText, type Term } from './text/terms.js';

/** A cue phrase prepared for matching. */
export interface CompiledCue {
  cue: string;
  /** match keys in order */
  keys: string[];
  /** true when the keys skip stop words, so the cue is matched on the answer's content terms */
  contentOnly: boolean;
  /** the whole cue run together ("write through" -> "writethrough"), for answers that write it as one word */
  joined?: string;
}

/** Where a cue matched: character offsets into the answer, and how sure the match is (0..1). */
export interface CueHit {
  start: number;
  end: number;
  strength: number;
}

/**
 * Prepares a cue. Stop words are dropped when at least two content words remain ("SELECT ... FOR
 * UPDATE" -> select update); otherwise every word is kept so "write-through" keeps its "through".
 */
export function compileCue(cue: string): CompiledCue {
  const a = analyse(cue);
  const contentOnly = a.content.length >= 2 || (a.content.length === 1 && a.terms.length === 1);
  const terms = contentOnly ? a.content : a.terms;
  const keys = terms.map((t) => t.key);
  const joined = a.terms.length > 1 ? canonical(stem(a.terms.map((t) => t.lower).join(''))) : undefined;
  return { cue, keys, contentOnly, ...(joined && joined.length >= 5 ? { joined } : {}) };
}

/** Most content (or any) words allowed between two consecutive words of a multi-word cue. */
const MAX_GAP_CONTENT = 4;
const MAX_GAP_ALL = 2;

/**
 * Finds the strongest occurrence of a cue in an answer. Words must appear in order and close together;
 * each word may match exactly (1) or by stem prefix (partial). `ignored` marks answer terms that must not
 * count (e.g. a prompt-injection sentence).
 */
export function findCue(cue: CompiledCue, answer: AnalysedText, ignored?: (t: Term) => boolean): CueHit | null {
  const seq = (cue.contentOnly ? answer.content : answer.terms).filter((t) => !ignored?.(t));
  const gap = cue.contentOnly ? MAX_GAP_CONTENT : MAX_GAP_ALL;
  let best: CueHit | null = null;
  const first = cue.keys[0];
  if (first !== undefined) {
    for (let i = 0; i < seq.length; i++) {
      const m0 = keyMatch(seq[i]!.key, first);
      if (m0 === 0) continue;
      let strength = m0;
      let prev = i;
      let ok = true;
      for (let k = 1; k < cue.keys.length && ok; k++) {
        ok = false;
        for (let j = prev + 1; j <= prev + 1 + gap && j < seq.length; j++) {
          const m = keyMatch(seq[j]!.key, cue.keys[k]!);
          if (m > 0) {
            strength = Math.min(strength, m);
            prev = j;
            ok = true;
            break;
          }
        }
      }
      if (ok && (!best || strength > best.strength)) best = { start: seq[i]!.start, end: seq[prev]!.end, strength };
      if (best?.strength === 1) return best;
    }
  }
  // Compounds written differently: cue "base62" vs "base 62", cue "write-through" vs "writethrough".
  const all = answer.terms.filter((t) => !ignored?.(t));
  if (cue.keys.length === 1 && first !== undefined && first.length >= 5) {
    for (let i = 0; i + 1 < all.length; i++) {
      const a = all[i]!;
      const b = all[i + 1]!;
      if (b.start - a.end <= 1 && canonical(stem(a.lower + b.lower)) === first) return { start: a.start, end: b.end, strength: 1 };
    }
  }
  if (cue.joined) {
    for (const t of all) if (t.key === cue.joined) return { start: t.start, end: t.end, strength: 1 };
  }
  return best;
}

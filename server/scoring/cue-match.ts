import { stem } from './text/stem.js';
import { canonical } from './text/synonyms.js';
import { KeySet, keyMatch } from './text/similarity.js';
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

/** Where each match key occurs in an answer, built once per answer and shared by all its cues. */
export interface AnswerIndex {
  answer: AnalysedText;
  /** key -> positions in `answer.content` */
  content: Map<string, number[]>;
  contentKeys: KeySet;
  /** key -> positions in `answer.terms` */
  terms: Map<string, number[]>;
  termKeys: KeySet;
  /** key of two adjacent words run together ("base 62" -> base62) -> their span */
  pairs: Map<string, CueHit>;
}

/** Indexes an answer for cue matching. */
export function indexAnswer(answer: AnalysedText): AnswerIndex {
  const positions = (seq: readonly Term[]) => {
    const m = new Map<string, number[]>();
    seq.forEach((t, i) => {
      const list = m.get(t.key);
      if (list) list.push(i);
      else m.set(t.key, [i]);
    });
    return m;
  };
  const pairs = new Map<string, CueHit>();
  for (let i = 0; i + 1 < answer.terms.length; i++) {
    const a = answer.terms[i]!;
    const b = answer.terms[i + 1]!;
    if (b.start - a.end > 1) continue;
    const key = canonical(stem(a.lower + b.lower));
    if (!pairs.has(key)) pairs.set(key, { start: a.start, end: b.end, strength: 1 });
  }
  const content = positions(answer.content);
  const terms = positions(answer.terms);
  return { answer, content, contentKeys: new KeySet(content.keys()), terms, termKeys: new KeySet(terms.keys()), pairs };
}

/**
 * Finds the strongest occurrence of a cue in an answer. Words must appear in order and close together;
 * each word may match exactly (1) or by stem prefix (partial). The earliest of equally strong
 * occurrences wins, so the result is deterministic.
 */
export function findCue(cue: CompiledCue, text: AnswerIndex | AnalysedText): CueHit | null {
  // scoring indexes an answer once for all its cues; a one-off check may pass the analysed text
  const index = 'pairs' in text ? text : indexAnswer(text);
  const { answer } = index;
  const seq = cue.contentOnly ? answer.content : answer.terms;
  const byKey = cue.contentOnly ? index.content : index.terms;
  const keys = cue.contentOnly ? index.contentKeys : index.termKeys;
  const gap = cue.contentOnly ? MAX_GAP_CONTENT : MAX_GAP_ALL;
  const first = cue.keys[0];
  if (first === undefined) return null;

  // where the first word can start: exact positions, plus any key that matches it partially
  const starts: Array<{ i: number; m: number }> = [];
  for (const [key, m] of keys.matches(first)) for (const i of byKey.get(key)!) starts.push({ i, m });
  starts.sort((a, b) => a.i - b.i);

  let best: CueHit | null = null;
  for (const { i, m: m0 } of starts) {
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
  // compounds written differently: cue "base62" vs "base 62", cue "write-through" vs "writethrough"
  if (cue.keys.length === 1 && first.length >= 5) {
    const pair = index.pairs.get(first);
    if (pair) return pair;
  }
  if (cue.joined) {
    const at = index.terms.get(cue.joined)?.[0];
    if (at !== undefined) return { start: answer.terms[at]!.start, end: answer.terms[at]!.end, strength: 1 };
  }
  return best;
}

import type { KeyPoint, Question } from '../bank/bank-schema.js';
import { analyse, contentKeys } from '../scoring/text/terms.js';
import type { Report } from './report-model.js';

export interface MissedPoint {
  question: Question;
  point: KeyPoint;
  /** the question's final score, 0..100 */
  questionScore: number;
}

/** Share of two concept key sets; Jaccard over stemmed, synonym-folded content words. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const k of a) if (b.has(k)) shared += 1;
  const union = a.size + b.size - shared;
  return union ? shared / union : 0;
}

/** Analysed once per key point: a report compares every missed point with the whole bank. */
const conceptKeyCache = new WeakMap<KeyPoint, Set<string>>();
function conceptKeys(p: KeyPoint): Set<string> {
  let keys = conceptKeyCache.get(p);
  if (!keys) {
    keys = contentKeys(analyse(`${p.label} ${p.cues.join(' ')}`));
    conceptKeyCache.set(p, keys);
  }
  return keys;
}

/** Below this overlap two key points are different concepts. */
const SAME_CONCEPT = 0.12;

/**
 * The weakest concepts: missed points ranked by how much they cost (core counts double, weighted,
 * worse on weaker questions), each with the questions of `pool` (the bank) whose rubrics exercise the same concept,
 * found by the overlap of their cue vocabulary.
 */
export function weakestConcepts(pool: readonly Question[], missed: readonly MissedPoint[], limit = 3): Report['weakestConcepts'] {
  const ranked = [...missed].sort((a, b) => cost(b) - cost(a));
  const seen = new Set<string>();
  const out: Report['weakestConcepts'] = [];
  for (const m of ranked) {
    if (out.length >= limit) break;
    const key = `${m.question.id}/${m.point.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const keys = conceptKeys(m.point);
    const related = pool
      .filter((q) => q.id !== m.question.id)
      .map((q) => ({ q, score: Math.max(0, ...q.keyPoints.map((p) => overlap(keys, conceptKeys(p)))) }))
      .filter((r) => r.score >= SAME_CONCEPT)
      .sort((a, b) => b.score - a.score)
      .slice(0, 2)
      .map((r) => r.q);
    out.push({
      pointId: m.point.id,
      label: m.point.label,
      questionId: m.question.id,
      core: m.point.core,
      trainWith: [m.question, ...related].map((q) => ({ questionId: q.id, question: q.question })),
    });
  }
  return out;
}

function cost(m: MissedPoint): number {
  return (m.point.core ? 2 : 1) * m.point.weight * (1 - m.questionScore / 100 + 0.1);
}

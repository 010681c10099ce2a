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
 * Found once per pool and key point: every completed interview's report asks for the same few
 * points of the same bank, and comparing one with all ~115 of a bank is most of a report's cost.
 * Weak on both keys, so a bank or a session's frozen questions take their entries with them.
 */
const relatedCache = new WeakMap<readonly Question[], WeakMap<KeyPoint, { questionId: string; related: Question[] }>>();

/** The two questions of `pool` (other than the point's own) whose rubrics share most of the point's concept. */
function relatedQuestions(pool: readonly Question[], question: Question, point: KeyPoint): Question[] {
  let byPoint = relatedCache.get(pool);
  if (!byPoint) relatedCache.set(pool, (byPoint = new WeakMap()));
  const hit = byPoint.get(point);
  if (hit?.questionId === question.id) return hit.related;
  const keys = conceptKeys(point);
  const related = pool
    .filter((q) => q.id !== question.id)
    .map((q) => ({ q, score: Math.max(0, ...q.keyPoints.map((p) => overlap(keys, conceptKeys(p)))) }))
    .filter((r) => r.score >= SAME_CONCEPT)
    .sort((a, b) => b.score - a.score)
    .slice(0, 2)
    .map((r) => r.q);
  byPoint.set(point, { questionId: question.id, related });
  return related;
}

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
    const related = relatedQuestions(pool, m.question, m.point);
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

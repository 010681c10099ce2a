import { functionWordShare, gibberishShare, injectionSpans } from './answer-checks.js';
import { findCue, indexAnswer, type AnswerIndex } from './cue-match.js';
import type { RubricPoint } from './rubric.js';
import { alignedShare, KeySet } from './text/similarity.js';
import { clauseSpans, type Span } from './text/segments.js';
import { MAX_EVIDENCE_CHARS } from './evidence.js';
import { analyse, contentKeys, type AnalysedText, type Term } from './text/terms.js';

/** How one rubric point fared. */
export interface PointResult {
  point: RubricPoint;
  /** 0..1: how clearly the answer shows the point */
  strength: number;
  covered: boolean;
  /** where it was shown, for the evidence excerpt */
  hit?: Span;
}

/** Everything the score is computed from. All shares are 0..1. */
export interface ScoringFeatures {
  points: PointResult[];
  /** weighted point coverage (core points count 1.5x) of the rubric: authored, or derived when none */
  coverage: number;
  /** the same for points derived from the reference, whatever the rubric: the grade model's input */
  referenceCoverage: number;
  /** weighted coverage of core points only */
  coreCoverage: number;
  /** share of the reference's content words (minus the question's) the answer aligns to */
  recall: number;
  /** share of the answer's content words (minus the question's) that align to reference, tip or cues */
  precision: number;
  /** share of the answer's content words (question words included) that align to question, reference, tip or cues */
  topicality: number;
  /** share of the tip's content words the answer aligns to */
  tipRecall: number;
  /** distinct content words of the answer that are not in the question */
  newWords: number;
  /** distinct content words of the reference that are not in the question */
  referenceWords: number;
  /** share of function words in the answer (prose vs keyword list) */
  functionShare: number;
  /** the same share in the reference: a terse reference allows a terse answer */
  referenceFunctionShare: number;
  /** share of content words that cannot be words */
  gibberish: number;
  /** words in the answer, injection removed */
  wordCount: number;
}

/** What the features are measured against; the same for every answer to a question. */
export interface ScoringContext {
  question: AnalysedText;
  questionKeys: ReadonlySet<string>;
  reference: AnalysedText;
  tip?: AnalysedText;
  points: RubricPoint[];
  /** points derived from the reference; the same array as `points` when there is no authored rubric */
  derived: RubricPoint[];
  /** content keys of the reference, question words removed */
  refKeys: ReadonlySet<string>;
  /** content keys of the tip, question words removed */
  tipKeys: ReadonlySet<string>;
  /** reference, tip and every cue: what an on-topic answer's words align to */
  rubricKeys: KeySet;
  /** the same plus the question's own words */
  topicKeys: KeySet;
}

/** Prepares a context from the analysed texts and the rubric. */
export function buildContext(parts: {
  question: AnalysedText;
  reference: AnalysedText;
  tip?: AnalysedText;
  points: RubricPoint[];
  derived: RubricPoint[];
}): ScoringContext {
  const questionKeys = contentKeys(parts.question);
  const notInQuestion = (keys: Set<string>) => new Set([...keys].filter((k) => !questionKeys.has(k)));
  const refKeys = notInQuestion(contentKeys(parts.reference));
  const tipKeys = parts.tip ? notInQuestion(contentKeys(parts.tip)) : new Set<string>();
  const rubric = new Set<string>([...refKeys, ...tipKeys]);
  for (const p of parts.points) for (const c of p.cues) for (const k of c.keys) rubric.add(k);
  return { ...parts, questionKeys, refKeys, tipKeys, rubricKeys: new KeySet(rubric), topicKeys: new KeySet([...rubric, ...questionKeys]) };
}

/** Strength at which a point counts as covered. */
export const COVERED_AT = 0.5;

/** Measures an answer against its question's context. Pure, deterministic. */
export function measure(answerText: string, ctx: ScoringContext): ScoringFeatures {
  const answer = analyse(answerText);
  const injected = injectionSpans(answerText);
  const ignored = (t: Term) => injected.some((s) => t.start >= s.start && t.end <= s.end);
  const terms = injected.length ? answer.terms.filter((t) => !ignored(t)) : answer.terms;
  const content = terms.filter((t) => !t.stop);
  const kept: AnalysedText = { source: answerText, terms, content };

  const answerKeys = new KeySet(content.map((t) => t.key));
  const newKeys = new KeySet([...answerKeys.keys].filter((k) => !ctx.questionKeys.has(k)));
  const { refKeys, tipKeys, rubricKeys, topicKeys } = ctx;

  const scan: Scan = { index: indexAnswer(kept), answerKeys, questionKeys: ctx.questionKeys, clauses: clauseSpans(answerText, MAX_EVIDENCE_CHARS) };
  const points = ctx.points.map((p) => scorePoint(p, scan));
  const derived = ctx.derived === ctx.points ? points : ctx.derived.map((p) => scorePoint(p, scan));
  const coverage = weightedCoverage(points);
  const coreCoverage = weightedCoverage(points.filter((r) => r.point.core)) ?? coverage;

  return {
    points,
    coverage: coverage ?? 0,
    referenceCoverage: weightedCoverage(derived) ?? 0,
    coreCoverage: coreCoverage ?? 0,
    recall: alignedShare(refKeys, newKeys),
    precision: alignedShare(newKeys.keys, rubricKeys),
    topicality: alignedShare(answerKeys.keys, topicKeys),
    tipRecall: tipKeys.size ? alignedShare(tipKeys, newKeys) : 0,
    newWords: newKeys.size,
    referenceWords: refKeys.size,
    functionShare: functionWordShare(terms, answerText),
    referenceFunctionShare: functionWordShare(ctx.reference.terms, ctx.reference.source),
    gibberish: gibberishShare(content),
    wordCount: terms.length,
  };
}

/** Weighted mean strength, core points counting 1.5x; undefined for no points. */
function weightedCoverage(results: readonly PointResult[]): number | undefined {
  let total = 0;
  let got = 0;
  for (const r of results) {
    const w = r.point.weight * (r.point.core ? 1.5 : 1);
    total += w;
    got += w * r.strength;
  }
  return total === 0 ? undefined : got / total;
}

/** What every point of one answer is scored against. */
interface Scan {
  index: AnswerIndex;
  answerKeys: KeySet;
  questionKeys: ReadonlySet<string>;
  clauses: Span[];
}

function scorePoint(point: RubricPoint, scan: Scan): PointResult {
  const { index, answerKeys, questionKeys } = scan;
  if (point.match === 'any-cue') {
    let best: PointResult = { point, strength: 0, covered: false };
    for (const cue of point.cues) {
      const hit = findCue(cue, index);
      if (!hit) continue;
      // a cue made only of the question's own words shows nothing when echoed back
      const echo = cue.keys.every((k) => questionKeys.has(k));
      const strength = hit.strength * (echo ? 0.3 : 1);
      if (strength > best.strength) best = { point, strength, covered: strength >= COVERED_AT, hit: { start: hit.start, end: hit.end } };
    }
    return best;
  }
  // word-share: the fraction of the point's words present; the evidence is where most of them are
  const keys = point.words;
  if (!keys || keys.size === 0) return { point, strength: 0, covered: false };
  const strength = alignedShare(keys.keys, answerKeys);
  const matched = index.answer.content.filter((t) => keys.best(t.key) > 0);
  const hit = densestClause(scan.clauses, matched);
  return { point, strength, covered: strength >= COVERED_AT, ...(hit ? { hit } : {}) };
}

/** The clause holding the most matched terms, as the span of its first matched term (evidence widens it). */
function densestClause(clauses: readonly Span[], matched: readonly Term[]): Span | undefined {
  if (matched.length === 0) return undefined;
  let best: Span | undefined;
  let bestCount = 0;
  for (const c of clauses) {
    const inside = matched.filter((t) => t.start >= c.start && t.end <= c.end);
    if (inside.length > bestCount) {
      bestCount = inside.length;
      best = { start: inside[0]!.start, end: inside[0]!.end };
    }
  }
  return best ?? { start: matched[0]!.start, end: matched[0]!.end };
}

import type { ScoringFeatures } from './features.js';

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Names of the grade-model inputs, in the order of `gradeFeatures`. */
export const GRADE_FEATURES = ['sqrtPrecision', 'sqrtCoverage'] as const;

/**
 * The grade-model inputs of one answer. Square roots, because human grades rise steeply with the first
 * aligned ideas and flatten after: an answer with half the reference's ideas is closer to full marks
 * than to zero. Length is not an input, so a longer answer only scores higher by saying more that aligns.
 */
export function gradeFeatures(f: ScoringFeatures): number[] {
  return [Math.sqrt(f.precision), Math.sqrt(f.referenceCoverage)];
}

/**
 * A linear model of a human grade (0..5) from `gradeFeatures`. The intercept is kept for fitting but
 * not used when scoring: an answer that aligns with nothing must start from 0, not from the average
 * grade of a class of students, so the span from the intercept to 5 maps to 0..1.
 */
export interface GradeModel {
  intercept: number;
  weights: readonly number[];
}

/**
 * Fitted by ridge regression (lambda 1) on all of the Mohler et al. (2011) dev half, predicting the mean
 * of the two human grades; `npm run bench:grading` prints the fit and its question-grouped
 * cross-validated accuracy. Only these numbers ship, never the data.
 */
export const GRADE_MODEL: GradeModel = {
  intercept: 3.1422,
  weights: [0.4128, 1.6271],
};

/** The model's grade above its no-alignment baseline, on 0..1 (1 = a full-marks answer). */
export function gradeEstimate(f: ScoringFeatures, model: GradeModel = GRADE_MODEL): number {
  const x = gradeFeatures(f);
  let g = 0;
  for (let i = 0; i < x.length; i++) g += (model.weights[i] ?? 0) * x[i]!;
  return clamp01(g / Math.max(0.5, 5 - model.intercept));
}

/**
 * With an authored rubric: answer precision (share of its words that align with reference, tip or cues)
 * at or below which the answer counts as off-topic, and from which it counts as fully on-topic. Good
 * answers in a candidate's own words measure 0.3-0.55; answers to other bank questions mostly < 0.2.
 */
const RELEVANCE_FLOOR = 0.1;
const RELEVANCE_FULL = 0.3;

/**
 * Without one: the same on topicality (question words count too), far more lenient, because short
 * answers in a student's own words share few words with a one-line reference yet are mostly right
 * (a precision gate like the one above drops the Mohler r from 0.64 to 0.49; this one costs 0.004).
 */
const TOPICAL_FLOOR = 0.05;
const TOPICAL_FULL = 0.15;

/**
 * Multiplier (0..1) for what is wrong with the answer as a whole: a keyword list instead of an
 * explanation, gibberish, too few words of its own, nothing that aligns with the rubric.
 */
export function qualityFactor(f: ScoringFeatures): number {
  if (f.recall === 0 && f.precision === 0 && f.coverage === 0 && f.referenceCoverage === 0) return 0;
  let q = 1;
  // a bare list of terms: almost no function words across 6+ words. The bar follows the reference, so
  // a terse reference ("CAP: Consistency, Availability, Partition tolerance; pick 2") allows terse answers.
  if (f.wordCount >= 6) {
    const full = Math.min(0.25, Math.max(0.15, 0.8 * f.referenceFunctionShare));
    q *= 0.45 + 0.55 * clamp01((f.functionShare - full + 0.15) / 0.15);
  }
  q *= 1 - clamp01(f.gibberish * 1.5);
  // a few words of its own before coverage means anything; fewer when the reference itself is one word
  const need = Math.min(4, Math.max(1, f.referenceWords));
  if (f.newWords < need) q *= f.newWords / need;
  return clamp01(q);
}

/** Share of the overall that comes from authored cue coverage when a bank rubric is present. */
export const CUE_SHARE = 0.6;

/**
 * The overall on 0..100. With authored key points, cue coverage carries CUE_SHARE and the grade model
 * the rest; without them the grade model (whose inputs include derived-point coverage) decides alone.
 * Either way an off-topic answer is scaled down and `qualityFactor` applies.
 */
export function overallScore(f: ScoringFeatures, authored: boolean, model: GradeModel = GRADE_MODEL): number {
  const grade = gradeEstimate(f, model);
  const base = authored ? CUE_SHARE * f.coverage + (1 - CUE_SHARE) * grade : grade;
  return Math.round(100 * clamp01(base * onTopicFactor(f, authored) * qualityFactor(f)));
}

/** 0..1: 0 for an answer about something else, 1 for one about this question. */
export function onTopicFactor(f: ScoringFeatures, authored: boolean): number {
  return authored ? ramp(f.precision, RELEVANCE_FLOOR, RELEVANCE_FULL) : ramp(f.topicality, TOPICAL_FLOOR, TOPICAL_FULL);
}

function ramp(x: number, from: number, to: number): number {
  return clamp01((x - from) / (to - from));
}

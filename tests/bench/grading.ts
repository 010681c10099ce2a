/**
 * Grading benchmark: how well the offline scorer agrees with human grades on the Mohler et al. (2011)
 * short-answer data (dev half), next to a TF-IDF cosine baseline and the two human graders.
 *
 *   npm run bench:grading [-- path/to/file.jsonl]     (or GRADING_DATA=path)
 *
 * The reported figure is question-grouped K-fold cross-validation: the grade model and the linear map
 * from 0..100 to 0..5 are fit on the training questions and measured on held-out questions, so it
 * estimates accuracy on questions the constants never saw. The data stays outside the product: only
 * the fitted constants in server/scoring/calibration.ts ship.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { GRADE_FEATURES, GRADE_MODEL, gradeFeatures, overallScore, type GradeModel } from '../../server/scoring/calibration.js';
import { measure, type ScoringContext, type ScoringFeatures } from '../../server/scoring/features.js';
import { scoringContext } from '../../server/scoring/offline-scorer.js';
import { analyse } from '../../server/scoring/text/terms.js';

const FOLDS = 5;
const RIDGE_LAMBDA = 1;

const Row = z.object({
  id: z.string(),
  question_id: z.string(),
  question: z.string(),
  reference: z.string(),
  answer: z.string(),
  score: z.number().min(0).max(5),
  score_a: z.number(),
  score_b: z.number(),
});
type Row = z.infer<typeof Row>;

// ---- statistics -----------------------------------------------------------------------------------

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Ranks with ties sharing their average rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((p, q) => p.x - q.x);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.x === order[i]!.x) j++;
    for (let k = i; k <= j; k++) out[order[k]!.i] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

const spearman = (a: readonly number[], b: readonly number[]) => pearson(ranks(a), ranks(b));

function rmse(a: readonly number[], b: readonly number[]): number {
  return Math.sqrt(mean(a.map((x, i) => (x - b[i]!) ** 2)));
}

/**
 * 95 % interval of Pearson r when the questions are resampled with replacement (deterministic seed):
 * how much the figure could move on another set of questions like these.
 */
function bootstrapByQuestion(rows: readonly Row[], pred: readonly number[], rounds = 1000): [number, number] {
  const byQuestion = new Map<string, number[]>();
  rows.forEach((r, i) => byQuestion.set(r.question_id, [...(byQuestion.get(r.question_id) ?? []), i]));
  const groups = [...byQuestion.values()];
  let seed = 20110619;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rs: number[] = [];
  for (let b = 0; b < rounds; b++) {
    const idx = Array.from({ length: groups.length }, () => groups[Math.floor(random() * groups.length)]!).flat();
    rs.push(pearson(idx.map((i) => pred[i]!), idx.map((i) => rows[i]!.score)));
  }
  rs.sort((a, b) => a - b);
  return [rs[Math.floor(rounds * 0.025)]!, rs[Math.floor(rounds * 0.975)]!];
}

/** Ridge regression with an unpenalised intercept: [intercept, ...weights]. */
function ridge(X: readonly number[][], y: readonly number[], lambda: number): number[] {
  const d = (X[0]?.length ?? 0) + 1;
  const A = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const v = new Array<number>(d).fill(0);
  X.forEach((row, n) => {
    const x = [1, ...row];
    for (let p = 0; p < d; p++) {
      v[p]! += x[p]! * y[n]!;
      for (let q = 0; q < d; q++) A[p]![q]! += x[p]! * x[q]!;
    }
  });
  for (let p = 1; p < d; p++) A[p]![p]! += lambda;
  // Gauss-Jordan with partial pivoting; d is ~10
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    [v[c], v[piv]] = [v[piv]!, v[c]!];
    for (let r = 0; r < d; r++) {
      if (r === c || A[c]![c] === 0) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < d; k++) A[r]![k]! -= f * A[c]![k]!;
      v[r]! -= f * v[c]!;
    }
  }
  return v.map((x, i) => (A[i]![i] === 0 ? 0 : x / A[i]![i]!));
}

/** Least-squares line y = a + b x. */
function line(x: readonly number[], y: readonly number[]): (v: number) => number {
  const [a = 0, b = 0] = ridge(x.map((v) => [v]), y, 0);
  return (v) => a + b * v;
}

// ---- TF-IDF baseline ------------------------------------------------------------------------------

/** Cosine of TF-IDF vectors (lowercased Porter stems, stop words dropped), IDF over the answers evaluated. */
function tfidfBaseline(rows: readonly Row[]): number[] {
  const bag = (text: string) => {
    const m = new Map<string, number>();
    for (const t of analyse(text).content) m.set(t.stem, (m.get(t.stem) ?? 0) + 1);
    return m;
  };
  const answers = rows.map((r) => bag(r.answer));
  const df = new Map<string, number>();
  for (const a of answers) for (const k of a.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const idf = (k: string) => Math.log((answers.length + 1) / ((df.get(k) ?? 0) + 1)) + 1;
  const weigh = (m: Map<string, number>) => new Map([...m].map(([k, tf]) => [k, tf * idf(k)] as const));
  return rows.map((r, i) => {
    const a = weigh(answers[i]!);
    const b = weigh(bag(r.reference));
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (const [k, v] of a) {
      na += v * v;
      dot += v * (b.get(k) ?? 0);
    }
    for (const v of b.values()) nb += v * v;
    return na && nb ? dot / Math.sqrt(na * nb) : 0;
  });
}

// ---- evaluation -----------------------------------------------------------------------------------

interface Figures {
  r: number;
  rho: number;
  rmse: number;
}

function figures(pred: readonly number[], gold: readonly number[]): Figures {
  return { r: pearson(pred, gold), rho: spearman(pred, gold), rmse: rmse(pred, gold) };
}

/** Question-grouped folds: questions sorted by id, dealt round-robin into `k` folds. */
function foldOf(rows: readonly Row[], k: number): number[] {
  const ids = [...new Set(rows.map((r) => r.question_id))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const fold = new Map(ids.map((id, i) => [id, i % k] as const));
  return rows.map((r) => fold.get(r.question_id)!);
}

function fitModel(X: readonly number[][], y: readonly number[]): GradeModel {
  const [intercept = 0, ...weights] = ridge(X, y, RIDGE_LAMBDA);
  return { intercept, weights };
}

/**
 * Cross-validated predictions on the 0..5 scale. `score(i, model)` gives the 0..100 score of row i under
 * a model fit on the training folds (or undefined for a score with nothing to fit); the 0..100 -> 0..5
 * map is fit on the training folds too.
 */
function crossValidate(
  rows: readonly Row[],
  folds: readonly number[],
  X: readonly number[][],
  score: (i: number, model: GradeModel | undefined) => number,
  fit: boolean,
): number[] {
  const gold = rows.map((r) => r.score);
  const out = new Array<number>(rows.length).fill(0);
  const count = Math.max(...folds) + 1;
  for (let k = 0; k < count; k++) {
    const train = rows.map((_, i) => i).filter((i) => folds[i] !== k);
    const test = rows.map((_, i) => i).filter((i) => folds[i] === k);
    const model = fit ? fitModel(train.map((i) => X[i]!), train.map((i) => gold[i]!)) : undefined;
    const map = line(
      train.map((i) => score(i, model)),
      train.map((i) => gold[i]!),
    );
    for (const i of test) out[i] = map(score(i, model));
  }
  return out;
}

function main(): void {
  const file = resolve(process.argv[2] ?? process.env.GRADING_DATA ?? '../shared/eval/mohler-dev.jsonl');
  if (!existsSync(file)) {
    process.stderr.write(`bench:grading: data file not found: ${file}\nPass a path (npm run bench:grading -- file.jsonl) or set GRADING_DATA.\n`);
    process.exit(2);
  }
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, n) => {
      const p = Row.safeParse(JSON.parse(l));
      if (!p.success) throw new Error(`${file}:${n + 1}: ${p.error.issues[0]?.path.join('.')}: ${p.error.issues[0]?.message}`);
      return p.data;
    });
  const started = performance.now();
  const contexts = new Map<string, ScoringContext>();
  const features: ScoringFeatures[] = rows.map((r) => {
    let ctx = contexts.get(r.question_id);
    if (!ctx) {
      ctx = scoringContext({ question: r.question, reference: r.reference, keyPoints: [] });
      contexts.set(r.question_id, ctx);
    }
    return measure(r.answer, ctx);
  });
  const measuredMs = performance.now() - started;
  const X = features.map(gradeFeatures);
  const gold = rows.map((r) => r.score);
  const folds = foldOf(rows, FOLDS);
  const questions = new Set(rows.map((r) => r.question_id)).size;

  const builtIn = (i: number, m: GradeModel | undefined) => overallScore(features[i]!, false, m);
  const cvPred = crossValidate(rows, folds, X, builtIn, true);
  const cv = figures(cvPred, gold);
  const perFold = Array.from({ length: FOLDS }, (_, k) => {
    const idx = rows.map((_, i) => i).filter((i) => folds[i] === k);
    return pearson(idx.map((i) => cvPred[i]!), idx.map((i) => gold[i]!));
  });
  const [low, high] = bootstrapByQuestion(rows, cvPred);
  const loqo = figures(crossValidate(rows, foldOf(rows, questions), X, builtIn, true), gold);
  const shipped = figures(crossValidate(rows, folds, X, (i) => overallScore(features[i]!, false, GRADE_MODEL), false), gold);
  const tfidf = tfidfBaseline(rows);
  const base = figures(crossValidate(rows, folds, X, (i) => tfidf[i]!, false), gold);
  const humanR = pearson(rows.map((r) => r.score_a), rows.map((r) => r.score_b));
  const humanRmse = rmse(rows.map((r) => r.score_a), rows.map((r) => r.score_b));
  const all = fitModel(X, gold);

  const f3 = (x: number) => x.toFixed(3);
  const show = (name: string, f: Figures) => console.log(`${name.padEnd(46)} r ${f3(f.r)}  rho ${f3(f.rho)}  RMSE ${f3(f.rmse)}`);
  console.log(`data: ${file}`);
  console.log(`${rows.length} answers, ${questions} questions, ${FOLDS}-fold CV grouped by question; features in ${measuredMs.toFixed(0)} ms (${((measuredMs / rows.length) * 1000).toFixed(0)} µs/answer)`);
  console.log('');
  show(`offline scorer, ${FOLDS}-fold CV by question`, cv);
  console.log(`${''.padEnd(46)} per-fold r ${perFold.map(f3).join(' ')}; 95% interval over questions ${f3(low)}..${f3(high)}`);
  show('offline scorer, leave-one-question-out CV', loqo);
  show('offline scorer, shipped constants (in-sample)', shipped);
  show('TF-IDF cosine baseline', base);
  console.log(`${'human: grader A vs grader B'.padEnd(46)} r ${f3(humanR)}                RMSE ${f3(humanRmse)}`);
  console.log('');
  console.log(`fit on all dev data (ridge lambda ${RIDGE_LAMBDA}), intercept ${all.intercept.toFixed(4)}:`);
  GRADE_FEATURES.forEach((name, i) => console.log(`  ${name.padEnd(14)} ${(all.weights[i] ?? 0).toFixed(4).padStart(8)}   shipped ${(GRADE_MODEL.weights[i] ?? 0).toFixed(4).padStart(8)}`));
  console.log('');
  console.log(
    `summary: offline scorer ${FOLDS}-fold question-grouped CV r ${f3(cv.r)} rho ${f3(cv.rho)} RMSE ${f3(cv.rmse)} | TF-IDF r ${f3(base.r)} | human A-B r ${f3(humanR)} | n=${rows.length}`,
  );
}

main();

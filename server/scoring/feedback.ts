import type { Criterion } from './assessment.js';
import type { PointResult, ScoringFeatures } from './features.js';
import { onTopicFactor, qualityFactor } from './calibration.js';

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const quarter = (x: number) => Math.round(clamp(x, 0, 1) * 16) / 4;

/** Concrete-practice signals: numbers, named trade-offs, examples, operational words. */
const PRACTICE = /\b(\d+|trade-?offs?|for example|e\.g\.|in production|we (used|had|built|moved)|monitor\w*|metrics?|alert\w*|benchmark\w*|measure\w*|rollback|fallback|failure|latency|p9\d)\b/gi;

/** The four rubric criteria, 0..4 each, with a short note. */
export function criteriaFor(f: ScoringFeatures, answer: string, authored: boolean): Criterion[] {
  const q = qualityFactor(f) * onTopicFactor(f, authored);
  const nonCore = f.points.filter((r) => !r.point.core);
  const nonCoreShare = nonCore.length ? nonCore.reduce((s, r) => s + r.strength, 0) / nonCore.length : f.coverage;
  const practiceHits = new Set((answer.match(PRACTICE) ?? []).map((m) => m.toLowerCase())).size;

  const accuracy = quarter((0.75 * f.coreCoverage + 0.25 * f.precision) * q);
  const depth = quarter((0.5 * nonCoreShare + 0.5 * f.coverage) * q);
  const practice = quarter((0.4 * f.tipRecall + 0.3 * Math.min(1, practiceHits / 3) + 0.3 * f.coverage) * q * (f.coverage > 0 ? 1 : 0));
  const communication =
    f.newWords === 0 ? 0 : quarter(clamp((f.functionShare - 0.1) / 0.2, 0, 1) * (1 - f.gibberish) * Math.min(1, f.wordCount / 20));

  return [
    { id: 'accuracy', score: accuracy, note: accuracy >= 3 ? 'The core points are stated correctly.' : accuracy >= 1.5 ? 'Some core points are there; others are missing.' : 'The core points of the question are not addressed yet.' },
    { id: 'depth', score: depth, note: depth >= 3 ? 'Goes beyond the basics.' : depth >= 1.5 ? 'Covers the basics; the finer points are thin.' : 'Stays at the surface.' },
    { id: 'practice', score: practice, note: practice >= 3 ? 'Grounded in concrete practice and trade-offs.' : practice >= 1.5 ? 'Some practical detail; more real-world trade-offs would help.' : 'Little concrete practice: tools, numbers or trade-offs.' },
    { id: 'communication', score: communication, note: communication >= 3 ? 'Clear, explained in full sentences.' : communication >= 1.5 ? 'Understandable, but terse or loosely connected.' : 'Hard to follow: explain in sentences how the pieces fit.' },
  ];
}

/** "a", "a" and "b", "a", "b" and "c": labels quoted, since they may hold commas of their own. */
function list(labels: string[]): string {
  const q = labels.map((l) => `"${short(l)}"`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** 2-4 sentences a candidate can act on: what was good, what was missing, how to improve. */
export function feedbackFor(f: ScoringFeatures, overall: number, tip: string | undefined): string {
  const byWeight = (a: PointResult, b: PointResult) => b.point.weight - a.point.weight;
  const covered = f.points.filter((r) => r.covered).sort(byWeight);
  const missedCore = f.points.filter((r) => !r.covered && r.point.core).sort(byWeight);
  const missedOther = f.points.filter((r) => !r.covered && !r.point.core).sort(byWeight);
  const out: string[] = [];

  if (covered.length === 0) {
    out.push(overall < 15 ? 'The answer does not address the question yet.' : 'The answer is on the topic but does not clearly make any of the key points.');
  } else {
    out.push(`Good: you covered ${list(covered.slice(0, 3).map((r) => r.point.label))}.`);
  }
  if (missedCore.length) out.push(`Missing core point${missedCore.length > 1 ? 's' : ''}: ${list(missedCore.slice(0, 3).map((r) => r.point.label))}.`);
  else if (missedOther.length) out.push(`To go further, add ${list(missedOther.slice(0, 2).map((r) => r.point.label))}.`);
  if (f.wordCount >= 6 && f.functionShare < 0.15) out.push('Explain in full sentences how these pieces fit together instead of listing terms.');
  else if (tip && overall < 80) out.push(`Interviewers also listen for this: ${asSentence(tip)}`);
  if (out.length < 2) out.push(overall >= 80 ? 'A strong answer; keep tying it to a concrete system you have run.' : 'Back each point with a concrete example from a system you have built.');
  return out.slice(0, 4).join(' ');
}

function asSentence(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function short(label: string): string {
  return label.length <= 80 ? label : `${label.slice(0, 77).replace(/\s+\S*$/, '')}...`;
}

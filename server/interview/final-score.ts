import type { KeyPoint } from '../bank/bank-schema.js';
import type { Assessment } from '../scoring/assessment.js';

export interface FollowUpResult {
  pointId: string;
  assessment: Assessment;
}

/**
 * The one rule for how follow-ups change a question's final score.
 *
 * A follow-up answer is scored against the single point it probes. Each follow-up can win back at
 * most half of that point's share of the rubric (its weight over the total weight, times 100),
 * scaled by how well the follow-up answer did. Half, because a point given only after prompting
 * is worth less than one offered unprompted. A follow-up never lowers the score, and the result is
 * capped at 100.
 *
 *   final = min(100, bank + Σ 0.5 × (weight(point) / Σ weights) × 100 × (followUp.overall / 100))
 */
export function finalQuestionScore(keyPoints: readonly KeyPoint[], bank: Assessment, followUps: readonly FollowUpResult[]): number {
  const total = keyPoints.reduce((s, p) => s + p.weight, 0) || 1;
  let score = bank.overall;
  for (const f of followUps) {
    const weight = keyPoints.find((p) => p.id === f.pointId)?.weight ?? 0;
    score += 0.5 * (weight / total) * f.assessment.overall;
  }
  return Math.round(Math.min(100, score));
}

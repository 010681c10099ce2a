import type { KeyPoint, Question } from '../bank/bank-schema.js';
import type { Assessment } from '../scoring/assessment.js';
import type { QuestionKind } from '../realtime/contract.js';

/**
 * The interview as a pure state machine. Given the plan and the turns so far (as stored), it says
 * what happens next. It does no I/O and keeps no state of its own, so the service can rebuild its
 * decision from the database after a restart.
 */
export interface InterviewPlan {
  questions: readonly Question[];
  /** follow-ups allowed per bank question, 0..3 */
  followUps: number;
  /** an answer below this overall (0..100) that misses a core point gets a follow-up */
  threshold: number;
}

export interface TurnState {
  id: string;
  /** 1-based position of the bank question */
  questionIndex: number;
  kind: QuestionKind;
  /** the key point a follow-up probes */
  pointId: string | null;
  answered: boolean;
  assessment?: Assessment;
}

export type NextStep =
  | { type: 'ask-question'; questionIndex: number; question: Question }
  | { type: 'ask-follow-up'; questionIndex: number; question: Question; point: KeyPoint; parentTurnId: string }
  | { type: 'await-answer'; turnId: string }
  | { type: 'await-score'; turnId: string }
  | { type: 'complete' };

export function nextStep(plan: InterviewPlan, turns: readonly TurnState[]): NextStep {
  const last = turns.at(-1);
  if (!last) return askQuestion(plan, 1);
  if (!last.answered) return { type: 'await-answer', turnId: last.id };
  if (!last.assessment) return { type: 'await-score', turnId: last.id };

  const followUp = pickFollowUp(plan, turns, last.questionIndex);
  if (followUp) return followUp;
  if (last.questionIndex < plan.questions.length) return askQuestion(plan, last.questionIndex + 1);
  return { type: 'complete' };
}

function askQuestion(plan: InterviewPlan, questionIndex: number): NextStep {
  const question = plan.questions[questionIndex - 1];
  if (!question) return { type: 'complete' };
  return { type: 'ask-question', questionIndex, question };
}

/**
 * A follow-up is asked when the bank answer scored under the threshold and missed a core point,
 * while the question still has follow-ups left. It probes the heaviest missed core point that no
 * earlier follow-up has probed and no later answer has covered.
 */
function pickFollowUp(plan: InterviewPlan, turns: readonly TurnState[], questionIndex: number): NextStep | null {
  const question = plan.questions[questionIndex - 1];
  const forQuestion = turns.filter((t) => t.questionIndex === questionIndex);
  const parent = forQuestion.find((t) => t.kind === 'bank');
  if (!question || !parent?.assessment) return null;

  const asked = forQuestion.filter((t) => t.kind === 'follow-up');
  if (asked.length >= plan.followUps) return null;
  if (parent.assessment.overall >= plan.threshold) return null;

  const probed = new Set(asked.map((t) => t.pointId));
  const coveredLater = new Set(asked.flatMap((t) => t.assessment?.covered.map((c) => c.pointId) ?? []));
  const candidates = parent.assessment.missing
    .filter((m) => m.core && !probed.has(m.pointId) && !coveredLater.has(m.pointId))
    .map((m) => question.keyPoints.find((p) => p.id === m.pointId))
    .filter((p): p is KeyPoint => p !== undefined)
    .sort((a, b) => b.weight - a.weight);
  const point = candidates[0];
  if (!point) return null;
  return { type: 'ask-follow-up', questionIndex, question, point, parentTurnId: parent.id };
}

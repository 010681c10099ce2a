import type { Question } from '../../../server/bank/bank-schema.js';
import type { QuestionEvent } from '../../../server/realtime/contract.js';

/**
 * Realistic candidate answers for the load generator. Answer length and content drive scorer cost and
 * whether a follow-up is asked, so the mix matters more than the exact words:
 * - bank questions: 45% the bank's reference answer plus a sentence of practice, 25% a partial answer
 *   (its first sentence and a hedge), 30% a weak generic answer (these miss core points and draw
 *   follow-ups);
 * - follow-ups: 60% an answer built from the probed point's cues, 40% weak.
 */

const WEAK = [
  'I think it depends on the situation. I would look at the requirements first and then pick whatever the team knows best.',
  'Honestly I have not used that much. I would probably google it and follow the documentation, and make sure it is fast enough.',
  'We should use best practices here and keep things simple, maybe add some monitoring later if it becomes a problem.',
  'I would use a database and a cache and make it scalable. It really depends on the use case and the budget.',
  'Good question. I would talk to the stakeholders, write some tests and then iterate until it works well in production.',
] as const;

const PRACTICE = [
  'On my last team we measured this under load before choosing, and we wrote down the trade-off in a design doc.',
  'In production the failure modes matter most, so I would add alerts on error rate and latency and run a game day.',
  'We rolled it out behind a feature flag, watched the p99 latency and rolled back once when the numbers got worse.',
] as const;

const HEDGE = 'There are other aspects too, but that is the main one I would start with.';

export type AnswerKind = 'strong' | 'partial' | 'weak' | 'probe';

/** Picks answers by question; all randomness comes from the caller's seeded generator. */
export class AnswerBook {
  private readonly byId: Map<string, Question>;

  constructor(questions: readonly Question[]) {
    this.byId = new Map(questions.map((q) => [q.id, q]));
  }

  answer(q: Pick<QuestionEvent, 'kind' | 'questionId' | 'text'>, random: () => number): { text: string; kind: AnswerKind } {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const question = this.byId.get(q.questionId);
    const r = random();
    if (q.kind === 'follow-up') {
      const point = question?.keyPoints.find((p) => p.followUp === q.text);
      if (point && r < 0.6) {
        const [a, b = a] = point.cues;
        return { text: `I would rely on ${a} here, together with ${b}, because that is what ${point.label.toLowerCase()} is about. ${pick(PRACTICE)}`, kind: 'probe' };
      }
      return { text: pick(WEAK), kind: 'weak' };
    }
    if (question && r < 0.45) return { text: `${question.reference} ${pick(PRACTICE)}`, kind: 'strong' };
    if (question && r < 0.7) {
      const first = question.reference.split(/(?<=[.!?])\s+/)[0] ?? question.reference;
      return { text: `${first} ${HEDGE}`, kind: 'partial' };
    }
    return { text: pick(WEAK), kind: 'weak' };
  }
}

export { seededRandom } from '../../support/seeded-random.js';

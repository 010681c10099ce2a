import { describe, expect, it } from 'vitest';
import { nextStep, type InterviewPlan, type TurnState } from '../../server/interview/interview-machine.js';
import { finalQuestionScore } from '../../server/interview/final-score.js';
import type { Question } from '../../server/bank/bank-schema.js';
import type { Assessment } from '../../server/scoring/assessment.js';
import { bandFor } from '../../server/scoring/assessment.js';

const question = (id: string): Question => ({
  id,
  level: 'beginner',
  topics: ['databases'],
  question: `Question ${id}?`,
  reference: 'A reference answer.',
  tip: 'A tip.',
  keyPoints: [
    { id: 'a', label: 'Point A', weight: 3, core: true, cues: ['alpha'], followUp: 'Tell me more about the first thing?' },
    { id: 'b', label: 'Point B', weight: 5, core: true, cues: ['beta'], followUp: 'Tell me more about the second thing?' },
    { id: 'c', label: 'Point C', weight: 2, core: false, cues: ['gamma'], followUp: 'Tell me more about the third thing?' },
  ],
});

const assessment = (overall: number, missing: string[] = [], covered: string[] = []): Assessment => ({
  scorer: 'offline',
  overall,
  band: bandFor(overall),
  criteria: [],
  covered: covered.map((p) => ({ pointId: p, label: p, evidence: p })),
  missing: missing.map((p) => ({ pointId: p, label: p, core: p !== 'c' })),
  feedback: '',
  latencyMs: 1,
});

const plan = (followUps = 1): InterviewPlan => ({ questions: [question('q1'), question('q2')], followUps, threshold: 60 });
const turn = (id: string, questionIndex: number, extra: Partial<TurnState> = {}): TurnState => ({
  id,
  questionIndex,
  kind: 'bank',
  pointId: null,
  answered: true,
  ...extra,
});

describe('interview state machine', () => {
  it('asks the first bank question when nothing has happened', () => {
    const step = nextStep(plan(), []);
    expect(step).toMatchObject({ type: 'ask-question', questionIndex: 1, question: { id: 'q1' } });
  });

  it('waits for the answer, then for the score', () => {
    expect(nextStep(plan(), [turn('t1', 1, { answered: false })])).toEqual({ type: 'await-answer', turnId: 't1' });
    expect(nextStep(plan(), [turn('t1', 1)])).toEqual({ type: 'await-score', turnId: 't1' });
  });

  it('when the answer misses a core point and scores under the threshold, a follow-up probes the heaviest missed core point', () => {
    const step = nextStep(plan(), [turn('t1', 1, { assessment: assessment(30, ['a', 'b', 'c']) })]);
    expect(step).toMatchObject({ type: 'ask-follow-up', questionIndex: 1, point: { id: 'b' }, parentTurnId: 't1' });
  });

  it('a strong answer moves on without a follow-up', () => {
    const step = nextStep(plan(), [turn('t1', 1, { assessment: assessment(75, ['b']) })]);
    expect(step).toMatchObject({ type: 'ask-question', questionIndex: 2 });
  });

  it('a weak answer that only misses non-core points moves on', () => {
    const step = nextStep(plan(), [turn('t1', 1, { assessment: assessment(40, ['c']) })]);
    expect(step).toMatchObject({ type: 'ask-question', questionIndex: 2 });
  });

  it('asks at most `followUps` follow-ups per question, each on a different point', () => {
    const parent = turn('t1', 1, { assessment: assessment(20, ['a', 'b']) });
    const fu1 = turn('t2', 1, { kind: 'follow-up', pointId: 'b', assessment: assessment(10, ['b']) });
    expect(nextStep(plan(1), [parent, fu1])).toMatchObject({ type: 'ask-question', questionIndex: 2 });
    expect(nextStep(plan(2), [parent, fu1])).toMatchObject({ type: 'ask-follow-up', point: { id: 'a' } });
  });

  it('with followUps 0 it never follows up', () => {
    expect(nextStep(plan(0), [turn('t1', 1, { assessment: assessment(0, ['a', 'b']) })])).toMatchObject({ type: 'ask-question' });
  });

  it('completes after the last question is scored', () => {
    const turns = [turn('t1', 1, { assessment: assessment(90) }), turn('t2', 2, { assessment: assessment(90) })];
    expect(nextStep(plan(), turns)).toEqual({ type: 'complete' });
  });
});

describe('final question score', () => {
  const q = question('q1');
  it('a follow-up wins back at most half of the probed point weight share', () => {
    // point b is 5 of 10 weight: a perfect follow-up adds 0.5 × 0.5 × 100 = 25
    expect(finalQuestionScore(q.keyPoints, assessment(30), [{ pointId: 'b', assessment: assessment(100) }])).toBe(55);
    expect(finalQuestionScore(q.keyPoints, assessment(30), [{ pointId: 'b', assessment: assessment(40) }])).toBe(40);
  });

  it('never lowers the score and caps at 100', () => {
    expect(finalQuestionScore(q.keyPoints, assessment(50), [{ pointId: 'a', assessment: assessment(0) }])).toBe(50);
    expect(finalQuestionScore(q.keyPoints, assessment(95), [{ pointId: 'b', assessment: assessment(100) }])).toBe(100);
  });
});

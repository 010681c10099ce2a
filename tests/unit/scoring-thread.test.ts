import { describe, expect, it } from 'vitest';
import { loadBanks } from '../../server/bank/bank-loader.js';
import type { KeyPoint, Question } from '../../server/bank/bank-schema.js';
import { createOfflineScorer } from '../../server/scoring/offline-scorer.js';
import { createThreadedScorer } from '../../server/scoring/scoring-thread.js';
import { scoringInputFor } from '../../server/interview/interview-service.js';
import type { Assessment } from '../../server/scoring/assessment.js';
import type { Scorer, ScoringInput } from '../../server/scoring/scorer.js';

/**
 * The built-in scorer on its thread (createThreadedScorer) against the same scorer in this thread:
 * the same assessments, each paired with its own request, and an answer even when a request
 * cannot reach the thread.
 */

const banks = loadBanks('data/banks');
const questions: Question[] = [...banks.banks.values()].flatMap((b) => b.questions);
const WEAK = 'Not sure really, I would probably just go with whatever the team already uses.';

/** An in-process scorer that records what it was asked, so a test can tell whether the thread answered. */
function recordingScorer(): Scorer & { calls: ScoringInput[] } {
  const offline = createOfflineScorer();
  const calls: ScoringInput[] = [];
  return {
    kind: 'offline',
    calls,
    score: (input, options) => {
      calls.push(input);
      return offline.score(input, options);
    },
  };
}

/** latencyMs is wall time, different on every run */
function withoutLatency(a: Assessment): Omit<Assessment, 'latencyMs'> {
  const { latencyMs, ...rest } = a;
  expect(typeof latencyMs).toBe('number');
  return rest;
}

function firstSentence(text: string): string {
  return (text.match(/^[^.!?]+[.!?]/)?.[0] ?? text).trim();
}

function bankInput(q: Question, answer: string): ScoringInput {
  return { questionId: q.id, question: q.question, reference: q.reference, tip: q.tip, keyPoints: q.keyPoints, answer };
}

/** What the interview scores a follow-up with: the point's probing question, one key point. */
function followUpInput(q: Question, point: KeyPoint, answer: string): ScoringInput {
  return scoringInputFor(q, { kind: 'follow-up', pointId: point.id, text: point.followUp, answer });
}

function inputsFor(q: Question): ScoringInput[] {
  const core = q.keyPoints.find((p) => p.core)!;
  const other = q.keyPoints.find((p) => p !== core)!;
  return [
    bankInput(q, q.reference),
    bankInput(q, firstSentence(q.reference)),
    bankInput(q, WEAK),
    followUpInput(q, core, q.reference),
    followUpInput(q, other, `${other.cues.slice(0, 2).join(' and ')} matter here, because ${firstSentence(q.reference).toLowerCase()}`),
  ];
}

describe('the scorer on its thread', () => {
  it('gives the same assessments as the scorer in this thread, and the thread (not the fallback) answers', async () => {
    const inProcess = recordingScorer();
    const threaded = createThreadedScorer(inProcess);
    const reference = createOfflineScorer();
    const inputs = [
      ...questions.slice(0, 10).flatMap(inputsFor),
      // no authored rubric: the scorer derives the points from the reference
      { ...bankInput(questions[0]!, questions[0]!.reference), keyPoints: [], tip: undefined },
      { ...bankInput(questions[1]!, firstSentence(questions[1]!.reference)), keyPoints: [], questionId: undefined },
    ];
    expect(inputs.length).toBeGreaterThanOrEqual(36);

    const seen = new Set<string>();
    for (const input of inputs) {
      const fromThread = await threaded.score(input);
      const here = await reference.score(input);
      expect(withoutLatency(fromThread)).toEqual(withoutLatency(here));
      seen.add(JSON.stringify(withoutLatency(here)));
    }
    // the inputs really differ in outcome, so equality above says something
    expect(seen.size).toBeGreaterThan(30);
    expect(inProcess.calls).toHaveLength(0);
    expect(threaded.kind).toBe('offline');
  });

  it('answers 200 concurrent requests, each with the assessment of its own input', async () => {
    const inProcess = recordingScorer();
    const threaded = createThreadedScorer(inProcess);
    const reference = createOfflineScorer();
    const inputs: ScoringInput[] = Array.from({ length: 200 }, (_, i) => {
      const q = questions[i % questions.length]!;
      const round = Math.floor(i / questions.length);
      const sentences = q.reference.split(/(?<=[.!?])\s+/);
      // a different choice of reference sentences and cues for every request
      const picked = sentences.filter((_, k) => ((round + 1) >> k) & 1);
      const point = q.keyPoints[(i + round) % q.keyPoints.length]!;
      const answer = [...picked, `It depends on ${point.cues[round % point.cues.length]}.`, round % 3 === 0 ? WEAK : ''].join(' ').trim();
      if (i % 5 === 4) return followUpInput(q, point, answer);
      return bankInput(q, answer);
    });
    expect(new Set(inputs.map((x) => x.answer)).size).toBeGreaterThan(150);

    const results = await Promise.all(inputs.map((input) => threaded.score(input)));
    expect(results).toHaveLength(200);
    const expected = await Promise.all(inputs.map((input) => reference.score(input)));
    results.forEach((got, i) => {
      expect(withoutLatency(got), `request ${i}`).toEqual(withoutLatency(expected[i]!));
      // evidence quotes the request's own answer
      for (const c of got.covered) expect(inputs[i]!.answer).toContain(c.evidence);
    });
    // mixed-up replies would show: the expected assessments are far from all alike
    expect(new Set(expected.map((a) => JSON.stringify(withoutLatency(a)))).size).toBeGreaterThan(100);
    expect(inProcess.calls).toHaveLength(0);
  });

  it('scores one key point asked in two wordings as two rubrics (the question text is part of a rubric)', async () => {
    const inProcess = recordingScorer();
    const threaded = createThreadedScorer(inProcess);
    const q = questions[0]!;
    const point = q.keyPoints[0]!;
    const answer = `${point.followUp} I would say ${point.cues[0]} matters.`;
    // the same point object both times, as a bank's follow-up and as a model-worded one
    const wordings = [point.followUp, `What is the capital of France, and why does it matter to ${point.cues[0]}?`];
    const got = [];
    for (const question of wordings) {
      const input: ScoringInput = { questionId: q.id, question, reference: q.reference, tip: q.tip, keyPoints: [point], answer };
      const fromThread = await threaded.score(input);
      expect(withoutLatency(fromThread)).toEqual(withoutLatency(await createOfflineScorer().score(input)));
      got.push(fromThread.overall);
    }
    // the wording matters to the score, so a rubric keyed without it would show above
    expect(got[0]).toBeGreaterThan(got[1]! + 20);
    expect(inProcess.calls).toHaveLength(0);
  });

  it('falls back to the in-process scorer when a request cannot be sent to the thread, and the thread keeps working', async () => {
    const inProcess = recordingScorer();
    const threaded = createThreadedScorer(inProcess);
    const q = banks.question('docker')!;
    // a rubric the thread has never seen (so it must cross with this request), holding a function,
    // which cannot be cloned to another thread: postMessage throws a DataCloneError
    const question = `${q.question} (asked in the fallback test)`;
    const keyPoints = q.keyPoints.map((p, i) => (i === 0 ? Object.assign({}, p, { describe: () => p.label }) : p));
    const input: ScoringInput = { ...bankInput(q, q.reference), question, keyPoints };

    const assessment = await threaded.score(input);
    expect(inProcess.calls).toHaveLength(1);
    expect(inProcess.calls[0]).toBe(input);
    const plain: ScoringInput = { ...bankInput(q, q.reference), question };
    const expected = await createOfflineScorer().score(plain);
    expect(withoutLatency(assessment)).toEqual(withoutLatency(expected));
    expect(assessment.overall).toBeGreaterThan(60);

    // the same rubric, now cloneable, is answered by the thread, although the thread never received it before
    const next = await threaded.score({ ...plain, answer: WEAK });
    expect(inProcess.calls).toHaveLength(1);
    expect(withoutLatency(next)).toEqual(withoutLatency(await createOfflineScorer().score({ ...plain, answer: WEAK })));
    expect(next.overall).toBeLessThan(assessment.overall);

    // and an ordinary bank question too
    const ordinary = await threaded.score(bankInput(q, firstSentence(q.reference)));
    expect(inProcess.calls).toHaveLength(1);
    expect(withoutLatency(ordinary)).toEqual(withoutLatency(await createOfflineScorer().score(bankInput(q, firstSentence(q.reference)))));
  });
});

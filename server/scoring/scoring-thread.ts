import { WorkerClient } from '../threads/worker-client.js';
import type { Assessment } from './assessment.js';
import { contextKey } from './offline-scorer.js';
import type { Scorer, ScoringInput } from './scorer.js';

/** Everything a score depends on except the answer: the same for every answer to one question. */
export type Rubric = Omit<ScoringInput, 'answer'>;

/** A rubric travels to the thread once; later requests name it by number. */
export interface ScoreRequest {
  rubricId: number;
  rubric?: Rubric;
  answer: string;
}

/** The thread's reply when it no longer holds a rubric (it was restarted, or forgot it): send it again. */
export const UNKNOWN_RUBRIC = 'unknown rubric';

/** Rubrics this side remembers having sent; the thread keeps twice as many, so it holds all of these. */
export const RUBRICS_KEPT = 512;

interface KnownKey {
  question: string;
  reference: string;
  tip: string | undefined;
  key: string;
}
/** Keys already built, by the key points they were built from (the array, or a follow-up's one point). */
const keysByPoints = new WeakMap<object, KnownKey[]>();

/**
 * contextKey(rubric), without building it again for a rubric seen before. The key is a few kilobytes
 * of text built on the event loop for every answer; a bank's rubric arrives as the same key point
 * objects and the same strings every time, so it is found by those instead.
 */
function rubricKey(rubric: Rubric): string {
  const points = rubric.keyPoints;
  // a follow-up's rubric is a new array around its one point, which is the bank's own object
  const owner: object = points.length === 1 ? points[0]! : points;
  const known = keysByPoints.get(owner) ?? [];
  const hit = known.find((k) => k.question === rubric.question && k.reference === rubric.reference && k.tip === rubric.tip);
  if (hit) return hit.key;
  const key = contextKey(rubric);
  // a point's follow-ups may be worded afresh (a model writes them): keep a few wordings, not all
  if (known.length >= 8) known.shift();
  known.push({ question: rubric.question, reference: rubric.reference, tip: rubric.tip, key });
  keysByPoints.set(owner, known);
  return key;
}

/** One scoring thread per process: the scorer is pure, so every server in the process can share it. */
let shared: { thread: WorkerClient<ScoreRequest, Assessment>; ids: Map<string, number>; next: number } | undefined;

/**
 * The built-in scorer on a thread of its own, so that scoring runs on the second core instead of
 * holding up every socket. The scores are the same: the thread runs the same scorer. If the thread
 * fails, `inProcess` answers, so an answer is never left unscored because of it.
 */
export function createThreadedScorer(inProcess: Scorer): Scorer {
  shared ??= { thread: new WorkerClient(new URL('./scoring-thread-worker.ts', import.meta.url), null), ids: new Map(), next: 1 };
  const state = shared;
  return {
    kind: 'offline',
    score: async (input) => {
      const { questionId, question, reference, tip, keyPoints, answer } = input;
      const rubric: Rubric = { questionId, question, reference, tip, keyPoints };
      const key = rubricKey(rubric);
      let rubricId = state.ids.get(key);
      const known = rubricId !== undefined;
      if (rubricId === undefined) rubricId = state.next++;
      // most recently used last, so the oldest is the first key
      state.ids.delete(key);
      state.ids.set(key, rubricId);
      if (state.ids.size > RUBRICS_KEPT) state.ids.delete(state.ids.keys().next().value!);
      try {
        try {
          return await state.thread.request({ rubricId, answer, ...(known ? {} : { rubric }) });
        } catch (err) {
          if (!known || !(err instanceof Error) || err.message !== UNKNOWN_RUBRIC) throw err;
          return await state.thread.request({ rubricId, answer, rubric });
        }
      } catch {
        return inProcess.score(input);
      }
    },
  };
}

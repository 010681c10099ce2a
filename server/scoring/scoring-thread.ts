import { WorkerClient } from '../threads/worker-client.js';
import type { Assessment } from './assessment.js';
import type { Scorer, ScoringInput } from './scorer.js';

/** One scoring thread per process: the scorer is pure, so every server in the process can share it. */
let shared: WorkerClient<ScoringInput, Assessment> | undefined;

/**
 * The built-in scorer on a thread of its own, so that scoring (a third of the event loop's work
 * per answer) runs on the second core instead of holding up every socket. The scores are the same:
 * the thread runs the same scorer. If the thread fails, `inProcess` answers, so an answer is never
 * left unscored because of it.
 */
export function createThreadedScorer(inProcess: Scorer): Scorer {
  shared ??= new WorkerClient(new URL('./scoring-thread-worker.ts', import.meta.url), null);
  const thread = shared;
  return {
    kind: 'offline',
    score: async (input) => {
      try {
        // only the fields a score depends on cross the thread boundary
        const { questionId, question, reference, tip, keyPoints, answer } = input;
        return await thread.request({ questionId, question, reference, tip, keyPoints, answer });
      } catch {
        return inProcess.score(input);
      }
    },
  };
}

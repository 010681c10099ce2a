import { serveRequests } from '../threads/serve-requests.js';
import { createOfflineScorer } from './offline-scorer.js';
import { RUBRICS_KEPT, UNKNOWN_RUBRIC, type Rubric, type ScoreRequest } from './scoring-thread.js';

// the built-in scorer, with its per-rubric context cache, on a thread of its own (see scoring-thread.ts)
const scorer = createOfflineScorer();
const rubrics = new Map<number, Rubric>();

serveRequests(({ rubricId, rubric, answer }: ScoreRequest) => {
  const known = rubric ?? rubrics.get(rubricId);
  if (!known) throw new Error(UNKNOWN_RUBRIC);
  // least recently used first, as on the sending side, which keeps half as many
  rubrics.delete(rubricId);
  rubrics.set(rubricId, known);
  if (rubrics.size > 2 * RUBRICS_KEPT) rubrics.delete(rubrics.keys().next().value!);
  return scorer.score({ ...known, answer });
});

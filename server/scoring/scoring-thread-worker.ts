import { serveRequests } from '../threads/serve-requests.js';
import { createOfflineScorer } from './offline-scorer.js';
import type { ScoringInput } from './scorer.js';

// the built-in scorer, with its per-rubric context cache, on a thread of its own (see scoring-thread.ts)
const scorer = createOfflineScorer();
serveRequests((input: ScoringInput) => scorer.score(input));

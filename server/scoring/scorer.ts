import type { KeyPoint } from '../bank/bank-schema.js';
import type { Assessment } from './assessment.js';

/** Everything a scorer may look at. A score depends on this alone, never on other answers. */
export interface ScoringInput {
  /** bank question id when the rubric comes from a bank */
  questionId?: string;
  question: string;
  /** the top-score anchor */
  reference: string;
  /** what an interviewer listens for */
  tip?: string;
  /** the rubric; when empty the scorer derives points from the reference */
  keyPoints: KeyPoint[];
  answer: string;
}

export interface ScoreOptions {
  /** streamed narrative while an LLM grades; the offline scorer never calls it */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export interface Scorer {
  readonly kind: 'offline' | 'llm' | 'chain';
  /** Resolves with an assessment; implementations never reject for a bad answer. */
  score(input: ScoringInput, options?: ScoreOptions): Promise<Assessment>;
}

import type { AssessmentEvent, CompleteEvent, DeltaEvent, QuestionEvent } from '../realtime/contract.js';

/** Where the interview service sends what a session's clients should see. The realtime layer implements it. */
export interface InterviewEvents {
  question(sessionId: string, payload: QuestionEvent): void;
  delta(sessionId: string, payload: DeltaEvent): void;
  result(sessionId: string, payload: AssessmentEvent): void;
  complete(sessionId: string, payload: CompleteEvent): void;
}

export const noEvents: InterviewEvents = {
  question: () => {},
  delta: () => {},
  result: () => {},
  complete: () => {},
};

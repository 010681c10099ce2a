/**
 * The socket.io event contract, shared by the server, the web client, the terminal client and the tests.
 * Event names and payload fields are public: outside clients depend on them.
 *
 * This module imports only zod and types, so browser bundles can use it too.
 */
import { z } from 'zod';
import type { Assessment } from '../scoring/assessment.js';
import type { ErrorCode } from '../errors.js';

export const MODES = ['practice', 'realistic'] as const;
export type Mode = (typeof MODES)[number];
export const LEVEL_CHOICES = ['beginner', 'intermediate', 'advanced', 'mixed'] as const;
export type LevelChoice = (typeof LEVEL_CHOICES)[number];

/** Upper bound on answer text; the server may set a lower one (MAX_ANSWER_CHARS). */
export const MAX_ANSWER_CHARS = 8000;

const id = z.string().min(1).max(100);

export const StartPayloadSchema = z.strictObject({
  candidate: z.string().trim().max(80).optional(),
  bank: id.optional(),
  level: z.enum(LEVEL_CHOICES).optional(),
  topics: z.array(z.string().min(1).max(60)).max(20).optional(),
  /** how many bank questions, 1..18 by default bank size; default 5 */
  questionCount: z.number().int().min(1).max(50).optional(),
  mode: z.enum(MODES).optional(),
  /** follow-ups at most per question, 0..3; default 1 */
  followUps: z.number().int().min(0).max(3).optional(),
  /** ask exactly these bank questions, in this order (review weak questions, retry one); overrides level, topics and count */
  questionIds: z.array(id).min(1).max(50).optional(),
  /** the earlier session whose questions this one retries, so the report can compare the attempts */
  retryOf: z.strictObject({ sessionId: id, token: z.string().min(1).max(200) }).optional(),
});

export const ResumePayloadSchema = z.strictObject({ sessionId: id, token: z.string().min(1).max(200) });

export const SubmitPayloadSchema = z.strictObject({
  sessionId: id,
  turnId: id,
  text: z.string().max(MAX_ANSWER_CHARS * 4),
});

export const FinishPayloadSchema = z.strictObject({ sessionId: id });

export type StartPayload = z.infer<typeof StartPayloadSchema>;
export type ResumePayload = z.infer<typeof ResumePayloadSchema>;
export type SubmitPayload = z.infer<typeof SubmitPayloadSchema>;
export type FinishPayload = z.infer<typeof FinishPayloadSchema>;

export type QuestionKind = 'bank' | 'follow-up';

export interface QuestionEvent {
  /** the session this question belongs to, so a client holding several can tell them apart */
  sessionId: string;
  turnId: string;
  /** 1-based position of the bank question this turn belongs to */
  index: number;
  /** number of bank questions in the interview (follow-ups do not count) */
  total: number;
  kind: QuestionKind;
  /** the bank question id; a follow-up keeps its parent's */
  questionId: string;
  level: string;
  text: string;
  /** a soft time budget for the answer, by level; the client warns past it but never cuts off */
  softLimitSeconds: number;
}

export interface TranscriptEntry {
  seq: number;
  role: 'interviewer' | 'candidate';
  turnId: string;
  /** the turn's kind: a bank question or a follow-up (and the answer to it) */
  kind: QuestionKind;
  /** 1-based position of the bank question the turn belongs to */
  index: number;
  text: string;
  /** ISO 8601 */
  at: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

export interface StartResult {
  sessionId: string;
  /** bearer secret for this session; shown once, only its hash is stored */
  token: string;
  total: number;
}
export interface ResumeResult {
  pending: QuestionEvent | null;
  transcript: TranscriptEntry[];
  /** results already released to this session (practice mode, or all of them once complete) */
  results: AssessmentEvent[];
  status: SessionStatus;
  total: number;
  mode: Mode;
  /** the interview's overall once complete, else null */
  overall: number | null;
  reportUrl: string;
}
export interface SubmitResult {
  turnId: string;
}
export interface FinishResult {
  reportUrl: string;
}

export type SessionStatus = 'active' | 'complete';

export interface AssessmentEvent {
  sessionId: string;
  turnId: string;
  assessment: Assessment;
}

export interface DeltaEvent {
  sessionId: string;
  turnId: string;
  text: string;
}

export interface CompleteEvent {
  sessionId: string;
  /** mean of the final per-question scores, 0..100 */
  overall: number;
  reportUrl: string;
}

export interface ClientToServerEvents {
  'interview:start': (payload: StartPayload, ack: (res: Ack<StartResult>) => void) => void;
  'interview:resume': (payload: ResumePayload, ack: (res: Ack<ResumeResult>) => void) => void;
  'answer:submit': (payload: SubmitPayload, ack: (res: Ack<SubmitResult>) => void) => void;
  'interview:finish': (payload: FinishPayload, ack: (res: Ack<FinishResult>) => void) => void;
}

export interface ServerToClientEvents {
  'interviewer:question': (payload: QuestionEvent) => void;
  'assessment:delta': (payload: DeltaEvent) => void;
  'assessment:result': (payload: AssessmentEvent) => void;
  'interview:complete': (payload: CompleteEvent) => void;
}

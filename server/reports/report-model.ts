import { z } from 'zod';
import { AssessmentSchema, BANDS, CriterionSchema } from '../scoring/assessment.js';

/** Bumped when the report's shape changes; stored with each report. */
export const REPORT_VERSION = 1;

const CommunicationSchema = z.object({
  /** words across all answers */
  words: z.number().int().min(0),
  /** mean words per answer */
  wordsPerAnswer: z.number().min(0),
  /** filler words and phrases ("basically", "you know", "kind of") per 100 words */
  fillerPer100Words: z.number().min(0),
  /** hedges ("I think", "maybe", "probably") per 100 words */
  hedgesPer100Words: z.number().min(0),
  /** answers that quantify: numbers with units, percentages, latencies, throughput */
  quantifiedAnswers: z.number().int().min(0),
  /** answers that weigh options: "trade-off", "versus", "on the other hand", "depends on" */
  tradeOffAnswers: z.number().int().min(0),
  answers: z.number().int().min(0),
  /** examples from the candidate's own words, for each signal found */
  examples: z.object({
    fillers: z.array(z.string()),
    hedges: z.array(z.string()),
    quantified: z.array(z.string()),
    tradeOffs: z.array(z.string()),
  }),
  /** plain-language observations tied to the seed's common mistakes */
  notes: z.array(z.string()),
});

const TurnReportSchema = z.object({
  turnId: z.string(),
  kind: z.enum(['bank', 'follow-up']),
  /** the question as asked */
  question: z.string(),
  /** null when the candidate did not answer before the interview ended */
  answer: z.string().nullable(),
  /** seconds from the question being asked to the answer being stored */
  timeTakenSeconds: z.number().min(0).nullable(),
  /** the probed key point, for a follow-up */
  pointId: z.string().nullable(),
  assessment: AssessmentSchema.nullable(),
});

const QuestionReportSchema = z.object({
  index: z.number().int().min(1),
  questionId: z.string(),
  level: z.string(),
  topics: z.array(z.string()),
  question: z.string(),
  /** the final score after follow-ups (see server/interview/final-score.ts); null when unanswered */
  score: z.number().min(0).max(100).nullable(),
  band: z.enum(BANDS).nullable(),
  criteria: z.array(CriterionSchema),
  /** revealed now that the interview is over */
  reference: z.string(),
  tip: z.string(),
  timeTakenSeconds: z.number().min(0).nullable(),
  turns: z.array(TurnReportSchema),
  /** earlier attempts at this question in sessions this one retries, oldest first */
  previousAttempts: z.array(z.object({ sessionId: z.string(), date: z.string(), score: z.number() })),
});

const AverageSchema = z.object({ key: z.string(), average: z.number(), questions: z.number().int() });

export const ReportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  sessionId: z.string(),
  candidate: z.string().nullable(),
  bank: z.object({ id: z.string(), title: z.string() }),
  mode: z.enum(['practice', 'realistic']),
  level: z.string(),
  status: z.enum(['active', 'complete']),
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  /** mean of the final per-question scores over answered questions */
  overall: z.number().min(0).max(100),
  band: z.enum(BANDS),
  answered: z.number().int().min(0),
  total: z.number().int().min(0),
  scorers: z.array(z.string()),
  questions: z.array(QuestionReportSchema),
  byTopic: z.array(AverageSchema),
  byLevel: z.array(AverageSchema),
  weakestConcepts: z.array(
    z.object({
      pointId: z.string(),
      label: z.string(),
      questionId: z.string(),
      core: z.boolean(),
      /** bank questions whose rubrics exercise the same concept, this one first */
      trainWith: z.array(z.object({ questionId: z.string(), question: z.string() })),
    }),
  ),
  communication: CommunicationSchema,
  summary: z.string(),
  studyPlan: z.array(z.string()),
  /** 'offline' when written by rules, else the model and prompt version */
  narrative: z.object({ by: z.string(), promptVersion: z.string().optional() }),
});

export type Report = z.infer<typeof ReportSchema>;
export type QuestionReport = z.infer<typeof QuestionReportSchema>;
export type TurnReport = z.infer<typeof TurnReportSchema>;
export type CommunicationSignals = z.infer<typeof CommunicationSchema>;
export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

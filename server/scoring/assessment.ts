import { z } from 'zod';

/** One type for every scorer: the offline rubric scorer and the LLM grader both return this. */
export const CRITERIA = ['accuracy', 'depth', 'practice', 'communication'] as const;
export const BANDS = ['weak', 'fair', 'good', 'strong'] as const;

export const CriterionSchema = z.object({
  id: z.enum(CRITERIA),
  /** 0 (absent) .. 4 (excellent) */
  score: z.number().min(0).max(4),
  note: z.string(),
});

export const AssessmentSchema = z.object({
  scorer: z.enum(['offline', 'llm']),
  model: z.string().optional(),
  promptVersion: z.string().optional(),
  /** 0..100, computed in code from point verdicts and criteria */
  overall: z.number().min(0).max(100),
  band: z.enum(BANDS),
  criteria: z.array(CriterionSchema),
  /** evidence is a verbatim excerpt of the answer */
  covered: z.array(z.object({ pointId: z.string(), label: z.string(), evidence: z.string() })),
  missing: z.array(z.object({ pointId: z.string(), label: z.string(), core: z.boolean() })),
  feedback: z.string(),
  followUp: z.string().optional(),
  /** why the fallback answered, when the configured scorer could not */
  fallbackReason: z.string().optional(),
  /** model token usage, when an LLM graded */
  usage: z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) }).optional(),
  /** wall time from answer to assessment in this scorer, ms */
  latencyMs: z.number().min(0),
});

export type Assessment = z.infer<typeof AssessmentSchema>;
export type Criterion = z.infer<typeof CriterionSchema>;
export type Band = (typeof BANDS)[number];

/** Band cut-offs on the 0..100 overall: weak < 40 <= fair < 60 <= good < 80 <= strong. */
export function bandFor(overall: number): Band {
  if (overall >= 80) return 'strong';
  if (overall >= 60) return 'good';
  if (overall >= 40) return 'fair';
  return 'weak';
}

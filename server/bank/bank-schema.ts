import { z } from 'zod';

export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case slug');

export const KeyPointSchema = z.strictObject({
  id: slug,
  /** short name of the concept, shown to the candidate on the score card */
  label: z.string().min(2).max(120),
  /** relative importance within the question, 1..5 */
  weight: z.number().min(1).max(5),
  /** a core point is one a senior answer cannot omit; missing one can trigger a follow-up */
  core: z.boolean(),
  /** phrases, synonyms and abbreviations that show the point; matched on normalised, stemmed text */
  cues: z.array(z.string().min(1).max(80)).min(1).max(40),
  /** probing question asked when the point is missed; must not give the answer away */
  followUp: z.string().min(10).max(400),
});

export const QuestionSchema = z
  .strictObject({
    id: slug,
    level: z.enum(LEVELS),
    topics: z.array(slug).min(1).max(6),
    question: z.string().min(10).max(1000),
    /** the seed's sample answer: the top-score anchor */
    reference: z.string().min(10).max(4000),
    /** the seed's interviewer tip: what a senior answer adds */
    tip: z.string().min(5).max(1000),
    keyPoints: z.array(KeyPointSchema).min(3).max(7),
  })
  .superRefine((q, ctx) => {
    const seen = new Set<string>();
    q.keyPoints.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['keyPoints', i, 'id'], message: `duplicate key point id "${p.id}"` });
      seen.add(p.id);
    });
    if (!q.keyPoints.some((p) => p.core)) ctx.addIssue({ code: 'custom', path: ['keyPoints'], message: 'at least one key point must be core' });
  });

export const BankSchema = z
  .strictObject({
    id: slug,
    title: z.string().min(3).max(200),
    version: z.string().min(1).max(40),
    /** where the questions came from */
    source: z.string().max(500).optional(),
    questions: z.array(QuestionSchema).min(1).max(1000),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id "${q.id}"` });
      seen.add(q.id);
    });
  });

export type KeyPoint = z.infer<typeof KeyPointSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type Bank = z.infer<typeof BankSchema>;

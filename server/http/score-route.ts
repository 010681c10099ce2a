import { Router } from 'express';
import { z } from 'zod';
import { AppError, describeIssues } from '../errors.js';
import type { BankRegistry } from '../bank/bank-loader.js';
import type { Scorer, ScoringInput } from '../scoring/scorer.js';
import { MAX_ANSWER_CHARS } from '../realtime/contract.js';

const ScoreBodySchema = z.union([
  z.strictObject({ questionId: z.string().min(1).max(100), answer: z.string().min(1).max(MAX_ANSWER_CHARS) }),
  z.strictObject({
    question: z.string().min(1).max(2000),
    reference: z.string().min(1).max(8000),
    tip: z.string().max(2000).optional(),
    answer: z.string().min(1).max(MAX_ANSWER_CHARS),
  }),
]);

/** POST /api/score: one answer in, one Assessment out. A bank question brings its rubric. */
export function scoreRouter(banks: BankRegistry, scorer: Scorer): Router {
  const router = Router();
  router.post('/api/score', async (req, res) => {
    const parsed = ScoreBodySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('BAD_REQUEST', describeIssues(parsed.error.issues));
    const body = parsed.data;
    let input: ScoringInput;
    if ('questionId' in body) {
      const q = banks.question(body.questionId);
      if (!q) throw new AppError('NOT_FOUND', `questionId: no bank question "${body.questionId}".`);
      input = { questionId: q.id, question: q.question, reference: q.reference, tip: q.tip, keyPoints: q.keyPoints, answer: body.answer };
    } else {
      input = { question: body.question, reference: body.reference, tip: body.tip, keyPoints: [], answer: body.answer };
    }
    res.json(await scorer.score(input));
  });
  return router;
}

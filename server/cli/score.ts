/**
 * Batch scoring: JSON lines in on stdin, one JSON line out per input line, in the same order.
 *
 *   npm run -s score < answers.jsonl > scores.jsonl
 *
 * Input:  { id, questionId?, question?, reference?, tip?, answer }
 * Output: { id, score, band, scorer, covered: [labels], missing: [labels] }  or  { id, error }
 *
 * A questionId that names a bank question (BANKS_DIR) scores against that question's rubric; otherwise
 * question + reference (+ tip) are required and key points are derived from the reference. A bad line
 * gets an error line and the run goes on. Blank lines are skipped.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { loadBanks, type BankRegistry } from '../bank/bank-loader.js';
import { loadConfig } from '../config.js';
import { scoreOffline, scoringContext } from '../scoring/offline-scorer.js';
import type { ScoringContext } from '../scoring/features.js';
import type { ScoringInput } from '../scoring/scorer.js';

const Id = z.union([z.string().max(200), z.number()]);
const LineSchema = z.object({
  id: Id,
  questionId: z.string().min(1).max(200).optional(),
  question: z.string().min(1).max(4000).optional(),
  reference: z.string().min(1).max(8000).optional(),
  tip: z.string().max(2000).optional(),
  answer: z.string().max(100_000),
});
type Line = z.infer<typeof LineSchema>;

const PROGRESS_EVERY = 500;

async function main(): Promise<void> {
  const config = loadConfig();
  const maxChars = config.MAX_ANSWER_CHARS;
  let banks: BankRegistry | null | undefined;
  // banks load on the first line that names a questionId, so a run without any never touches the folder
  const bank = (): BankRegistry | null => {
    if (banks !== undefined) return banks;
    try {
      banks = loadBanks(config.BANKS_DIR);
    } catch (err) {
      process.stderr.write(`score: question banks unavailable (${(err as Error).message.split('\n')[0]}); questionId lines need question and reference\n`);
      banks = null;
    }
    return banks;
  };

  // Contexts depend only on question, reference, tip and rubric, so reusing them keeps scores identical.
  const contexts = new Map<string, ScoringContext>();
  const contextFor = (key: string, input: Omit<ScoringInput, 'answer'>): ScoringContext => {
    let c = contexts.get(key);
    if (!c) {
      if (contexts.size >= 1000) contexts.clear();
      c = scoringContext(input);
      contexts.set(key, c);
    }
    return c;
  };

  const scoreLine = (raw: string): object => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { id: null, error: 'invalid JSON' };
    }
    const id = typeof json === 'object' && json !== null && Id.safeParse((json as { id?: unknown }).id).success ? (json as { id: string | number }).id : null;
    const parsed = LineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { id, error: `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}` };
    }
    const line: Line = parsed.data;
    if (maxChars > 0 && line.answer.length > maxChars) return { id, error: `answer: longer than ${maxChars} characters` };

    let input: ScoringInput;
    let key: string;
    const banked = line.questionId ? bank()?.question(line.questionId) : undefined;
    if (banked) {
      input = { questionId: banked.id, question: banked.question, reference: banked.reference, tip: banked.tip, keyPoints: banked.keyPoints, answer: line.answer };
      key = `bank:${banked.id}`;
    } else if (line.question && line.reference) {
      input = { question: line.question, reference: line.reference, ...(line.tip ? { tip: line.tip } : {}), keyPoints: [], answer: line.answer };
      key = JSON.stringify([line.question, line.reference, line.tip ?? '']);
    } else {
      return { id, error: line.questionId ? `unknown questionId "${line.questionId}" and no question/reference given` : 'question and reference are required without a bank questionId' };
    }
    const a = scoreOffline(input, contextFor(key, input));
    return { id, score: a.overall, band: a.band, scorer: a.scorer, covered: a.covered.map((c) => c.label), missing: a.missing.map((m) => m.label) };
  };

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const raw of rl) {
    if (raw.trim() === '') continue;
    let out: object;
    try {
      out = scoreLine(raw);
    } catch (err) {
      // one line's failure must not end the run
      out = { id: null, error: `internal error: ${(err as Error).message}` };
    }
    if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await once(process.stdout, 'drain');
    n++;
    if (n % PROGRESS_EVERY === 0) process.stderr.write(`score: ${n} lines\n`);
  }
  if (n >= PROGRESS_EVERY || process.stderr.isTTY) process.stderr.write(`score: done, ${n} lines\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`score: ${(err as Error).message}\n`);
  process.exitCode = 1;
});

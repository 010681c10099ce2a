/**
 * Child-process entry: offline scorer throughput on one core (the parent pins it with taskset), then
 * one `RESULT {json}` line. Kept out of the runner's process so nothing else shares the core or heap.
 *
 *   node --import tsx tests/bench/scorer/throughput-child.ts '{"budgetMs":3000}'
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBankFile } from '../../../server/bank/bank-loader.js';
import { scoreOffline, scoringContext } from '../../../server/scoring/offline-scorer.js';
import type { ScoringContext } from '../../../server/scoring/features.js';
import type { ScoringInput } from '../../../server/scoring/scorer.js';
import { DEFAULT_BANK_FILE, REPO_ROOT } from '../support/paths.js';
import { summarise, type Summary } from '../support/stats.js';
import { LONG_ANSWER_WORDS, longAnswer } from './long-answers.js';

export const MOHLER_DEV = resolve(REPO_ROOT, '../shared/eval/mohler-dev.jsonl');

export interface ThroughputRow {
  name: string;
  answers: number;
  /** answers per wall-clock second: what a caller sees, including time the core was shared */
  answersPerSecond: number;
  /** answers per CPU-second of this process: the capacity of one core, whatever else the machine runs */
  answersPerCpuSecond: number;
  /** per answer, wall ms */
  latency: Summary;
  meanWords: number;
}

interface Case {
  input: ScoringInput;
  /** the shared context, or undefined to build one per answer as the service does */
  context?: ScoringContext;
}

/** Scores every case once untimed (JIT warm-up), then whole passes until the budget is spent. */
function measureCases(name: string, cases: readonly Case[], budgetMs: number): ThroughputRow {
  for (const c of cases) scoreOffline(c.input, c.context);
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const maxPasses = 500;
  for (let pass = 0; pass < maxPasses && performance.now() - started < budgetMs; pass++) {
    for (const c of cases) {
      const t = performance.now();
      scoreOffline(c.input, c.context);
      samples.push(performance.now() - t);
    }
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const words = cases.reduce((s, c) => s + c.input.answer.split(/\s+/).filter(Boolean).length, 0) / cases.length;
  return { name, answers: samples.length, answersPerSecond: (samples.length / elapsed) * 1000, answersPerCpuSecond: (samples.length / cpuMs) * 1000, latency: summarise(samples), meanWords: words };
}

function main(): void {
  const { budgetMs } = JSON.parse(process.argv[2] ?? '{}') as { budgetMs: number };
  const rows: ThroughputRow[] = [];

  if (existsSync(MOHLER_DEV)) {
    const lines = readFileSync(MOHLER_DEV, 'utf8').split('\n').filter((l) => l.trim());
    const items = lines.map((l) => JSON.parse(l) as { question_id: string; question: string; reference: string; answer: string });
    // as the score CLI does: derived key points, one context per question
    const contexts = new Map<string, ScoringContext>();
    const shared = items.map((it): Case => {
      const input: ScoringInput = { question: it.question, reference: it.reference, keyPoints: [], answer: it.answer };
      let context = contexts.get(it.question_id);
      if (!context) contexts.set(it.question_id, (context = scoringContext(input)));
      return { input, context };
    });
    rows.push(measureCases(`short (Mohler dev, ${items.length}), derived points, context per question (as the CLI)`, shared, budgetMs));
    rows.push(measureCases('short, derived points, context per answer (/api/score)', shared.map((c) => ({ input: c.input })), budgetMs));
  }

  const questions = loadBankFile(DEFAULT_BANK_FILE).questions;
  const long = questions.map((q): Case => {
    const input: ScoringInput = { questionId: q.id, question: q.question, reference: q.reference, tip: q.tip, keyPoints: q.keyPoints, answer: longAnswer(q) };
    return { input, context: scoringContext(input) };
  });
  rows.push(measureCases(`${LONG_ANSWER_WORDS}-word (bank, ${long.length}), authored points, context per question`, long, budgetMs));
  // no shared context: what a caller without the scorer's context cache pays
  rows.push(measureCases(`${LONG_ANSWER_WORDS}-word, authored points, context per answer`, long.map((c) => ({ input: c.input })), budgetMs));

  process.stdout.write(`RESULT ${JSON.stringify({ rows, mohlerFound: existsSync(MOHLER_DEV) })}\n`);
}

main();

import { cpus } from 'node:os';
import { runForResult } from '../support/child-process.js';
import { benchFile, REPO_ROOT } from '../support/paths.js';
import { fmt, median } from '../support/stats.js';
import { printTable } from '../support/table.js';
import { targetRows, type TargetCheck } from '../support/targets.js';
import type { BenchOptions, BenchOutcome } from '../support/bench-options.js';
import type { ThroughputRow } from './throughput-child.js';

/**
 * Offline scorer: answers per second on one core for short answers (Mohler dev set, derived key
 * points, as `npm run score` scores them) and 200-word answers (bank questions, authored key points),
 * each with the context shared per question and built per answer; then cold start in fresh processes.
 */
const TARGET_SHORT_PER_SECOND = 2_000;

interface ColdStart {
  entryMs: number;
  modulesMs: number;
  bankMs: number;
  firstScoreMs: number;
  totalMs: number;
}

export async function scorerBench(options: BenchOptions): Promise<BenchOutcome> {
  const budgetMs = options.quick ? 700 : 3_000;
  // the last core, so the runner's own timers do not share it
  const pinCpu = cpus().length - 1;
  const throughput = await runForResult<{ rows: ThroughputRow[]; mohlerFound: boolean }>(
    ['--import', 'tsx', benchFile('scorer/throughput-child.ts'), JSON.stringify({ budgetMs })],
    { cwd: REPO_ROOT, label: 'scorer throughput', timeoutMs: 20 * budgetMs + 60_000, pinCpu },
  );
  if (!throughput.mohlerFound) console.log('scorer: ../shared/eval/mohler-dev.jsonl not found; short-answer rows skipped');
  printTable(
    `scorer: offline scorer throughput, one core (taskset -c ${pinCpu}), ${budgetMs} ms per row after a warm-up pass`,
    ['answers', 'mean words', 'scored', 'answers/CPU-s', 'answers/s wall', 'p50 ms', 'p99 ms', 'max ms'],
    throughput.rows.map((r) => [
      r.name,
      fmt(r.meanWords, 0),
      String(r.answers),
      fmt(r.answersPerCpuSecond, 0),
      fmt(r.answersPerSecond, 0),
      fmt(r.latency.p50, 3),
      fmt(r.latency.p99, 3),
      fmt(r.latency.max, 2),
    ]),
  );

  const runs = options.quick ? 2 : 5;
  const cold: Array<ColdStart & { spawnToResultMs: number }> = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await runForResult<ColdStart>(['--import', 'tsx', benchFile('scorer/cold-start-child.ts')], {
      cwd: REPO_ROOT,
      label: 'scorer cold start',
      timeoutMs: 60_000,
    });
    cold.push({ ...r, spawnToResultMs: performance.now() - t });
  }
  const med = (f: (c: (typeof cold)[number]) => number) => fmt(median(cold.map(f)), 1);
  printTable(
    `scorer: cold start, median of ${runs} fresh processes (node --import tsx), ms`,
    ['spawn -> first score', 'process start -> first score', 'start -> entry module', 'import scorer', 'load bank', 'first score'],
    [[med((c) => c.spawnToResultMs), med((c) => c.totalMs), med((c) => c.entryMs), med((c) => c.modulesMs), med((c) => c.bankMs), med((c) => c.firstScoreMs)]],
  );

  const short = throughput.rows[0];
  const targets: TargetCheck[] = [
    {
      name: 'scorer short answers/s (one core)',
      // per CPU-second: the capacity of one core, unaffected by other processes sharing it during the run
      value: throughput.mohlerFound && short ? short.answersPerCpuSecond : NaN,
      limit: TARGET_SHORT_PER_SECOND,
      unit: 'answers/s',
      kind: 'min',
      skipped: !throughput.mohlerFound,
    },
  ];
  printTable('scorer: targets', ['target', 'measured', 'verdict'], targetRows(targets));
  // the service's offline scorer keeps contexts per rubric, so this is the row that matches live scoring
  const long = throughput.rows.find((r) => r.name.includes('-word') && r.name.includes('context per question'));
  const summary =
    `scorer: short ${fmt(short?.answersPerCpuSecond, 0)} answers/CPU-s (context per question), ` +
    `200-word ${fmt(long?.answersPerCpuSecond, 0)} answers/CPU-s (context per question, as the service scores); cold start ${med((c) => c.totalMs)} ms to first score`;
  console.log(`\n${summary}`);
  return { name: 'scorer', summary, targets };
}

/**
 * Child-process entry: N simulated candidates against one server, then one `RESULT {json}` line.
 * It runs in its own process so that the server's figures do not include the clients' work and the
 * clients' figures do not wait on the server's event loop.
 *
 *   node --import tsx tests/bench/live/load-generator.ts '<GeneratorConfig as JSON>'
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadBankFile } from '../../../server/bank/bank-loader.js';
import { DEFAULT_BANK_FILE } from '../support/paths.js';
import { AnswerBook, seededRandom } from './answers.js';
import { emptyStats, runCandidate, type CandidatePlan, type LoadStats } from './candidate.js';

export interface GeneratorConfig {
  url: string;
  candidates: number;
  /** no interview starts after this many ms from launch */
  durationMs: number;
  thinkMs: [number, number];
  /** connects are spread uniformly over this many ms */
  rampMs: number;
  maxInterviews: number;
  timeoutMs: number;
  seed: number;
}

export interface GeneratorResult extends LoadStats {
  wallMs: number;
  /** the generator's own event-loop delay: if high, the client (not the server) added latency */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** generator CPU over the run, % of one core */
  cpuPercent: number;
  /** candidates still running when the hard deadline hit */
  abandoned: number;
  /** Date.now() at launch: sample times are ms after it, so they can be lined up with a server's log */
  launchedAtEpochMs: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
  const book = new AnswerBook(loadBankFile(DEFAULT_BANK_FILE).questions);
  const stats = emptyStats();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const launched = performance.now();
  const seeds = seededRandom(config.seed);

  let running = config.candidates;
  const all = Array.from({ length: config.candidates }, (_, i) => {
    const plan: CandidatePlan = {
      url: config.url,
      book,
      random: seededRandom(Math.floor(seeds() * 2 ** 32) ^ i),
      thinkMs: config.thinkMs,
      startDelayMs: seeds() * config.rampMs,
      launchedAt: launched,
      stopStartingAt: launched + config.durationMs,
      maxInterviews: config.maxInterviews,
      timeoutMs: config.timeoutMs,
      start: { mode: 'practice', questionCount: 5, followUps: 1 },
    };
    return runCandidate(plan, stats).finally(() => (running -= 1));
  });
  // Bounded: the last interview starts by durationMs and has at most 10 answers, each after a think
  // time and within a timeout; anything still running well after that is stuck.
  const hardDeadlineMs = config.durationMs + config.rampMs + 12 * (config.timeoutMs + config.thinkMs[1]);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(all), new Promise<void>((r) => (timer = setTimeout(r, hardDeadlineMs)))]);
  clearTimeout(timer);

  loop.disable();
  const wallMs = performance.now() - launched;
  const cpu = process.cpuUsage(cpuBefore);
  const result: GeneratorResult = {
    ...stats,
    wallMs,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    abandoned: running,
    launchedAtEpochMs: Date.now() - wallMs,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error('load generator failed:', err);
  process.exit(1);
});

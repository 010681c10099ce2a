import { runForResult } from '../support/child-process.js';
import { profiling, type Profiling } from '../support/profiling.js';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcSampler, SystemSampler, waitForQuiet } from '../support/proc-stat.js';
import { probeCommitLatency } from '../support/disk-probe.js';
import { benchFile, REPO_ROOT } from '../support/paths.js';
import { startFloor, startService, type ServerProcess } from '../support/server-process.js';
import { fmt, summarise, type Summary } from '../support/stats.js';
import { printTable } from '../support/table.js';
import { targetRows, type TargetCheck } from '../support/targets.js';
import type { BenchOptions, BenchOutcome } from '../support/bench-options.js';
import type { GeneratorConfig, GeneratorResult } from './load-generator.js';

/**
 * Live load: N simulated candidates (own process) through full practice interviews against the real
 * service (own process), then the same load against the floor server. Think time is uniform 0.5-2 s
 * (mean 1.25 s), so the offered load is about N / 1.25 answers/s: 80, 400 and 800 for N = 100, 500
 * and 1,000. That is far faster than people type, on purpose: it is the answer rate that loads the
 * server, and a realistic 1-3 minutes per answer would need 50-150x the connections for the same rate.
 */
const THINK_MS: [number, number] = [500, 2000];
const TIMEOUT_MS = 15_000;
/** connects are spread over the first seconds; answers submitted before the ramp ends are not counted */
const RAMP_MS = 3_000;
/**
 * Before each measured run, a few quick interviews warm the server's JIT, prepared statements and WAL
 * file, so the first measured answers do not pay for compilation.
 */
/** answers in the warm-up, about: 20 interviews of 5 questions and some follow-ups */
const WARM_UP_ANSWERS = 140;
const WARM_UP: Pick<GeneratorConfig, 'candidates' | 'durationMs' | 'thinkMs' | 'rampMs' | 'maxInterviews'> = {
  candidates: 20,
  durationMs: 1_000,
  thinkMs: [20, 80],
  rampMs: 200,
  maxInterviews: 1,
};

type Target = 'service' | 'floor' | 'external';

interface RunFigures {
  target: Target;
  n: number;
  result: GeneratorResult;
  latency: Summary;
  ack: Summary;
  /** answer:submit -> the next question, for answers that have one */
  question: Summary;
  connect: Summary;
  answersPerSecond: number;
  cpuPercent: number;
  /** the server's main thread alone: its event loop saturates at 100 */
  loopCpuPercent: number;
  peakRssBytes: number;
  errors: number;
  errorText: string;
  /** one fsync'd SQLite commit on the scratch disk just before the run, ms */
  commit: Summary;
  /** CPU used by other processes on the machine during the run, in cores */
  otherCores: number;
}

function errorsOf(r: GeneratorResult): { total: number; text: string } {
  const parts: string[] = [];
  const add = (label: string, n: number) => n > 0 && parts.push(`${label} ${n}`);
  for (const [k, v] of Object.entries(r.errorAcks)) add(`ack ${k}`, v);
  for (const [k, v] of Object.entries(r.timeouts)) add(`timeout ${k}`, v);
  for (const [k, v] of Object.entries(r.otherErrors)) add(`error ${k}`, v);
  add('disconnect', r.disconnects);
  for (const [k, v] of Object.entries(r.connectErrors)) add(`connect ${k}`, v);
  add('abandoned', r.abandoned);
  const total =
    Object.values(r.errorAcks).reduce((a, b) => a + b, 0) +
    Object.values(r.timeouts).reduce((a, b) => a + b, 0) +
    Object.values(r.otherErrors).reduce((a, b) => a + b, 0) +
    r.disconnects +
    Object.values(r.connectErrors).reduce((a, b) => a + b, 0) +
    r.abandoned;
  return { total, text: parts.join(', ') || 'none' };
}

/**
 * --samples: every answer's timings as measured, ramp and tail included, as [ms after launch, ms]
 * pairs; `launchedAtEpochMs` turns the first into wall-clock time, to line a slow stretch up with a
 * server's own log.
 */
function writeSamples(dir: string, target: Target, n: number, r: GeneratorResult): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `live-${target}-${n}.json`);
  writeFileSync(file, JSON.stringify({ launchedAtEpochMs: r.launchedAtEpochMs, rampMs: RAMP_MS, result: r.resultMs, ack: r.ackMs, question: r.questionMs }));
  process.stdout.write(`(samples: ${file}) `);
}

/** A server someone else started (--url): only its URL is known, and its process id when given. */
function external(url: string, pid: number | undefined): Pick<ServerProcess, 'url' | 'pid' | 'stop'> {
  return { url, pid: pid ?? 0, stop: async () => {} };
}

async function drive(target: Target, n: number, options: BenchOptions, profile?: Profiling): Promise<RunFigures> {
  const durationMs = options.durationMs ?? (options.quick ? 10_000 : 30_000);
  const cores = cpus().length;
  const quiet = await waitForQuiet(cores, options.quick ? 0 : 120_000);
  if (quiet.busyCores >= 0.5) process.stdout.write(`(machine busy: ${fmt(quiet.busyCores, 1)} cores in use by others) `);
  let server: Pick<ServerProcess, 'url' | 'pid' | 'stop'>;
  if (target === 'external') {
    server = external(options.url!, options.pid);
  } else if (target === 'service') {
    server = await startService({
      ...(options.serviceRoot ? { root: options.serviceRoot } : {}),
      ...(profile ? { nodeArgs: profile.nodeArgs } : {}),
    });
  } else {
    server = await startFloor({ synchronous: options.floorSync });
  }
  const commit = probeCommitLatency();
  const sampler = new ProcSampler(server.pid);
  const machine = new SystemSampler(cores);
  const generate = (config: GeneratorConfig, label: string) =>
    runForResult<GeneratorResult>(['--import', 'tsx', benchFile('live/load-generator.ts'), JSON.stringify(config)], {
      cwd: REPO_ROOT,
      label,
      timeoutMs: config.durationMs + config.rampMs + 15 * (TIMEOUT_MS + config.thinkMs[1]),
      onErrLine: (line) => console.error(`  generator: ${line}`),
    });
  try {
    await generate({ ...WARM_UP, url: server.url, timeoutMs: TIMEOUT_MS, seed: 1 }, `warm-up (${target})`);
    const config: GeneratorConfig = {
      url: server.url,
      candidates: n,
      durationMs,
      thinkMs: options.thinkMs ?? THINK_MS,
      rampMs: RAMP_MS,
      maxInterviews: 20,
      timeoutMs: TIMEOUT_MS,
      seed: 20_240_601 + n,
    };
    const measuredFrom = performance.now();
    sampler.start();
    machine.start();
    const result = await generate(config, `load generator (${target}, N=${n})`);
    const proc = sampler.stop();
    const machineCores = machine.stop();
    const windowS = (performance.now() - measuredFrom) / 1000;
    // what the server and the generator used, in cores over the window; the runner only waits meanwhile
    const oursCores = proc.cpuPercent / 100 + ((result.cpuPercent / 100) * result.wallMs) / 1000 / windowS;
    const errors = errorsOf(result);
    // steady state: answers submitted after the connect ramp and before candidates stop starting interviews
    const steady = (samples: Array<[number, number]>) => samples.filter(([at]) => at >= RAMP_MS && at < durationMs).map(([, ms]) => ms);
    const latencies = steady(result.resultMs);
    if (options.samplesDir) writeSamples(options.samplesDir, target, n, result);
    return {
      target,
      n,
      result,
      latency: summarise(latencies),
      ack: summarise(steady(result.ackMs)),
      question: summarise(steady(result.questionMs)),
      connect: summarise(result.connectMs),
      answersPerSecond: latencies.length / ((durationMs - RAMP_MS) / 1000),
      cpuPercent: proc.cpuPercent,
      loopCpuPercent: proc.mainThreadCpuPercent,
      peakRssBytes: proc.peakRssBytes,
      errors: errors.total,
      errorText: errors.text,
      commit,
      otherCores: Math.max(0, machineCores - oursCores),
    };
  } finally {
    sampler.stop();
    await server.stop();
  }
}

export async function liveBench(options: BenchOptions): Promise<BenchOutcome> {
  const sizes = options.sizes ?? (options.quick ? [50] : [100, 500, 1000]);
  const think = options.thinkMs ?? THINK_MS;
  const meanThinkS = (think[0] + think[1]) / 2 / 1000;
  const targetsOf: readonly Target[] = options.url ? ['external'] : options.only ? [options.only] : ['service', 'floor'];
  const runs: RunFigures[] = [];
  const profiles: Array<{ n: number; profile: Profiling }> = [];
  console.log(
    `live: think time uniform ${think[0]}-${think[1]} ms (offered ~N/${meanThinkS} answers/s), practice mode, 5 questions, ` +
      (options.url
        ? `up to 1 follow-up each, against the server at ${options.url} as it is configured`
        : `up to 1 follow-up each, service SCORER=offline LOG_LEVEL=warn, floor synchronous=${options.floorSync}`) +
      (options.serviceRoot ? `, service from ${options.serviceRoot}` : ''),
  );
  for (const n of sizes) {
    const profile = profiling(options.profile, `live-${n}`);
    profiles.push({ n, profile });
    for (const target of targetsOf) {
      process.stdout.write(`  N=${n} ${target} ... `);
      const started = Date.now();
      const run = await drive(target, n, options, target === 'service' ? profile : undefined);
      runs.push(run);
      console.log(`${run.result.answers} answers, p99 ${fmt(run.latency.p99)} ms, errors ${run.errors} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }

  printTable(
    `live: answer:submit -> assessment:result (client side, ms), steady state: answers submitted ${RAMP_MS / 1000} s after launch until candidates stop starting interviews`,
    ['server', 'N', 'offered/s', 'answers', 'answers/s', 'p50', 'p95', 'p99', 'max', 'ack p50/p99', 'next q p50/p99', 'connect p99', 'follow-ups', 'srv CPU', 'loop CPU', 'srv RSS', 'gen CPU', 'gen lag p99', 'commit p50/p99', 'others CPU', 'errors'],
    runs.map((r) => [
      r.target,
      String(r.n),
      fmt(r.n / meanThinkS, 0),
      String(r.latency.n),
      fmt(r.answersPerSecond, 0),
      fmt(r.latency.p50, 2),
      fmt(r.latency.p95, 2),
      fmt(r.latency.p99, 2),
      fmt(r.latency.max, 1),
      `${fmt(r.ack.p50, 2)}/${fmt(r.ack.p99, 1)}`,
      `${fmt(r.question.p50, 2)}/${fmt(r.question.p99, 1)}`,
      fmt(r.connect.p99, 1),
      String(r.result.followUpQuestions),
      `${fmt(r.cpuPercent, 0)}%`,
      `${fmt(r.loopCpuPercent, 0)}%`,
      `${fmt(r.peakRssBytes / 1024 / 1024, 0)} MB`,
      `${fmt(r.result.cpuPercent, 0)}%`,
      `${fmt(r.result.loopDelayP99Ms, 1)} ms`,
      `${fmt(r.commit.p50, 1)}/${fmt(r.commit.p99, 1)} ms`,
      `${fmt(r.otherCores, 2)} cores`,
      r.errorText,
    ]),
  );

  const ratioRows: string[][] = [];
  const ratios = new Map<number, { p50: number; p99: number }>();
  for (const n of sizes) {
    const service = runs.find((r) => r.n === n && r.target === 'service');
    const floor = runs.find((r) => r.n === n && r.target === 'floor');
    if (!service || !floor) continue;
    const p50 = service.latency.p50 / floor.latency.p50;
    const p99 = service.latency.p99 / floor.latency.p99;
    ratios.set(n, { p50, p99 });
    ratioRows.push([String(n), fmt(service.latency.p50, 2), fmt(floor.latency.p50, 2), `${fmt(p50, 1)}x`, fmt(service.latency.p99, 2), fmt(floor.latency.p99, 2), `${fmt(p99, 1)}x`]);
  }
  if (ratioRows.length) printTable('live: service / floor', ['N', 'service p50', 'floor p50', 'ratio p50', 'service p99', 'floor p99', 'ratio p99'], ratioRows);

  for (const p of profiles) {
    // every answer the profiled process handled, warm-up and ramp included, since the profile covers them
    const answers = runs.find((r) => r.n === p.n && r.target === 'service')?.result.answers;
    p.profile.print(`live N=${p.n} service profile`, answers ? { count: answers + WARM_UP_ANSWERS, unit: 'answer' } : undefined);
  }

  const at = (n: number) => runs.find((r) => r.n === n && r.target !== 'floor');
  const big = at(1000);
  const mid = ratios.get(500);
  // the outside check: a server started with `npm start`, 300 candidates, no errors and p99 <= 100 ms
  const outside: TargetCheck[] = options.url
    ? sizes.flatMap((n) => {
        const r = at(n)!;
        return [
          { name: `external N=${n} errors`, value: r.errors, limit: 0, unit: 'errors', kind: 'max' as const },
          { name: `external N=${n} p99`, value: r.latency.p99, limit: 100, unit: 'ms', kind: 'max' as const },
        ];
      })
    : [];
  const targets: TargetCheck[] = [
    ...outside,
    { name: 'live N=1000 errors', value: big?.errors ?? NaN, limit: 0, unit: 'errors', kind: 'max', skipped: !big },
    { name: 'live N=1000 p99', value: big?.latency.p99 ?? NaN, limit: 50, unit: 'ms', kind: 'max', skipped: !big },
    { name: 'live N=500 p50 service/floor', value: mid?.p50 ?? NaN, limit: 2, unit: 'x', kind: 'max', skipped: !mid },
    { name: 'live N=500 p99 service/floor', value: mid?.p99 ?? NaN, limit: 2, unit: 'x', kind: 'max', skipped: !mid },
  ];
  printTable('live: targets', ['target', 'measured', 'verdict'], targetRows(targets));

  const parts = sizes.map((n) => {
    const s = at(n) ?? runs.find((r) => r.n === n)!;
    const r = ratios.get(n);
    const ratio = r ? ` (${fmt(r.p50, 1)}x / ${fmt(r.p99, 1)}x floor)` : '';
    return `N=${n} ${s.target}: ${fmt(s.answersPerSecond, 0)} answers/s, p50 ${fmt(s.latency.p50, 1)} / p99 ${fmt(s.latency.p99, 1)} ms${ratio}, ${s.errors} errors`;
  });
  const summary = `live: ${parts.join('; ')}`;
  console.log(`\n${summary}`);
  return { name: 'live', summary, targets };
}

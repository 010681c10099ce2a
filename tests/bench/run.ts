/**
 * Performance benchmarks (not part of `npm test`):
 *
 *   npm run bench                       all of them, full size (about 6.5 minutes on a quiet 2-core machine)
 *   npm run bench -- live --quick       one of them, as a fast smoke run
 *   npm run bench -- live --profile     with the service under node --cpu-prof and its top self time
 *
 * live: concurrent interviews against the real service and a floor server; scorer: offline scorer
 * throughput and cold start; llm: service overhead on the LLM path; store: SQLite write rate and growth
 * per interview; heap: server heap per idle session. Each prints its tables and one summary line;
 * this runner ends with the targets of all of them.
 */
import { readFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { parseBenchArgs, type BenchName, type BenchOptions, type BenchOutcome } from './support/bench-options.js';
import { printTable } from './support/table.js';
import { passes, targetRows } from './support/targets.js';
import { waitForQuiet } from './support/proc-stat.js';

const BENCHES: Record<BenchName, () => Promise<(o: BenchOptions) => Promise<BenchOutcome>>> = {
  live: async () => (await import('./live/live-bench.js')).liveBench,
  scorer: async () => (await import('./scorer/scorer-bench.js')).scorerBench,
  llm: async () => (await import('./llm/llm-bench.js')).llmBench,
  store: async () => (await import('./store/store-bench.js')).storeBench,
  heap: async () => (await import('./heap/heap-bench.js')).heapBench,
};

/** The filesystem under the scratch databases: on tmpfs an fsync is free and synchronous=FULL costs nothing. */
function filesystemOf(path: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && path.startsWith(f[1]!));
    const best = mounts.sort((a, b) => b[1]!.length - a[1]!.length)[0];
    return best ? `${best[2]} on ${best[1]}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const { names, options } = parseBenchArgs(process.argv.slice(2));
  console.log(
    `bench: ${names.join(', ')}${options.quick ? ' (quick)' : ''} | node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GB, scratch ${tmpdir()} (${filesystemOf(tmpdir())})`,
  );
  const started = Date.now();
  const outcomes: BenchOutcome[] = [];
  for (const name of names) {
    console.log(`\n=== ${name} ===`);
    // other processes on a 2-core machine move every figure here; wait (bounded) for them to settle
    const quiet = await waitForQuiet(cpus().length, options.quick ? 0 : 120_000);
    if (quiet.busyCores >= 0.5) console.log(`(machine busy: ${quiet.busyCores.toFixed(1)} cores in use by other processes after ${(quiet.waitedMs / 1000).toFixed(0)} s; figures may suffer)`);
    const t0 = Date.now();
    const bench = await BENCHES[name]();
    outcomes.push(await bench(options));
    console.log(`(${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }

  const all = outcomes.flatMap((o) => o.targets);
  const measured = all.filter((t) => !t.skipped);
  if (names.length > 1) {
    console.log('\n=== summary ===');
    for (const o of outcomes) console.log(o.summary);
    printTable('targets', ['target', 'measured', 'verdict'], targetRows(all));
  }
  const met = measured.filter(passes).length;
  console.log(`\nbench: ${met}/${measured.length} targets met${options.quick ? ' (quick run: smaller sizes, figures indicative only)' : ''}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // child processes are gone by now; leave nothing (sockets, timers) holding the process open
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});

import { runForResult } from '../support/child-process.js';
import { benchFile, REPO_ROOT } from '../support/paths.js';
import { startService } from '../support/server-process.js';
import { fmtBytes } from '../support/stats.js';
import { printTable } from '../support/table.js';
import { targetRows, type TargetCheck } from '../support/targets.js';
import type { BenchOptions, BenchOutcome } from '../support/bench-options.js';
import type { IdleConfig, IdleResult } from './idle-sessions-child.js';

/**
 * Server heap per idle session: K connections that each started an interview and wait on its first
 * question. Heap is read from the service's own /metrics after forced full GCs (through the inspector;
 * the service runs with --expose-gc --inspect=127.0.0.1:0, nothing added to its code).
 */
const TARGET_BYTES = 30 * 1024;

export async function heapBench(options: BenchOptions): Promise<BenchOutcome> {
  const sessions = options.idleSessions ?? (options.quick ? 200 : 1_000);
  let inspectorUrl: string | undefined;
  const server = await startService({
    ...(options.serviceRoot ? { root: options.serviceRoot } : {}),
    nodeArgs: ['--expose-gc', '--inspect=127.0.0.1:0'],
    onErrLine: (line) => {
      inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];
    },
  });
  let result: IdleResult;
  try {
    if (!inspectorUrl) throw new Error(`the service did not print its inspector URL:\n${server.proc.tail()}`);
    const config: IdleConfig = { url: server.url, inspectorUrl, sessions, warmUpSessions: 50 };
    result = await runForResult<IdleResult>(
      [...(typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : []), '--import', 'tsx', benchFile('heap/idle-sessions-child.ts'), JSON.stringify(config)],
      { cwd: REPO_ROOT, label: 'idle sessions', timeoutMs: 300_000, onErrLine: (l) => console.error(`  idle sessions: ${l}`) },
    );
  } finally {
    await server.stop();
  }

  const perSession = (result.loaded.heapUsedBytes - result.baseline.heapUsedBytes) / sessions;
  const rssPerSession = (result.loaded.rssBytes - result.baseline.rssBytes) / sessions;
  const leftPerSession = (result.afterClose.heapUsedBytes - result.baseline.heapUsedBytes) / sessions;
  const leftAfterTwo = (result.afterSecondRound.heapUsedBytes - result.baseline.heapUsedBytes) / (2 * sessions);
  printTable(
    `heap: ${sessions} idle sessions (connected, interview started, first question received), after forced GC`,
    ['reading', 'heap used', 'RSS', 'heap delta / session', 'RSS delta / session'],
    [
      ['baseline (after warm-up)', fmtBytes(result.baseline.heapUsedBytes), fmtBytes(result.baseline.rssBytes), '-', '-'],
      [`${sessions} idle sessions`, fmtBytes(result.loaded.heapUsedBytes), fmtBytes(result.loaded.rssBytes), fmtBytes(perSession), fmtBytes(rssPerSession)],
      ['after they disconnect', fmtBytes(result.afterClose.heapUsedBytes), fmtBytes(result.afterClose.rssBytes), fmtBytes(leftPerSession), '-'],
      [`after ${sessions} more open and close`, fmtBytes(result.afterSecondRound.heapUsedBytes), fmtBytes(result.afterSecondRound.rssBytes), `${fmtBytes(leftAfterTwo)} (of ${2 * sessions})`, '-'],
    ],
  );
  const targets: TargetCheck[] = [{ name: 'heap per idle session', value: perSession / 1024, limit: TARGET_BYTES / 1024, unit: 'KB', kind: 'max' }];
  printTable('heap: targets', ['target', 'measured', 'verdict'], targetRows(targets));
  const summary = `heap: ${fmtBytes(perSession)} heap per idle session (${sessions} sessions), ${fmtBytes(rssPerSession)} RSS; ${fmtBytes(leftPerSession)} per session still held after disconnect (${fmtBytes(leftAfterTwo)} over two rounds)`;
  console.log(`\n${summary}`);
  return { name: 'heap', summary, targets };
}

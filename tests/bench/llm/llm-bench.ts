import { loadBankFile } from '../../../server/bank/bank-loader.js';
import { spawnNode } from '../support/child-process.js';
import { DEFAULT_BANK_FILE, REPO_ROOT } from '../support/paths.js';
import { startService } from '../support/server-process.js';
import { profiling } from '../support/profiling.js';
import { fmt, summarise } from '../support/stats.js';
import { printTable } from '../support/table.js';
import { targetRows, type TargetCheck } from '../support/targets.js';
import type { BenchOptions, BenchOutcome } from '../support/bench-options.js';
import { answerWithLlm, type LlmAnswerTiming } from './llm-client.js';

/**
 * The service's own overhead on the LLM path: from the fake model's first token leaving to the client's
 * first `assessment:delta`. The fake (tests/support/fake-openai.ts) runs in a process of its own
 * (fake-model-process.ts), so writing its reply does not hold up the clients timing it; both stamp
 * times since the epoch. It waits 300 ms, then writes the whole streamed reply at once
 * (chunkDelayMs 0), so nothing of the interval is the model's own time: it is the SDK's stream parsing,
 * the grader's partial-JSON reading, the interview service and socket.io, in the service process, plus
 * two loopback hops.
 */
const MODEL_LATENCY_MS = 300;
const TARGET_MS = 10;

export async function llmBench(options: BenchOptions): Promise<BenchOutcome> {
  /** when the reply for each marked answer started streaming, ms since the epoch (the fake's clock and the clients' agree) */
  const firstTokenAt = new Map<number, number>();
  let fakeUrl: (url: string) => void;
  const listening = new Promise<string>((resolve) => (fakeUrl = resolve));
  const fake = spawnNode(['--import', 'tsx', 'tests/bench/llm/fake-model-process.ts'], {
    cwd: REPO_ROOT,
    env: { MODEL_LATENCY_MS: String(MODEL_LATENCY_MS) },
    onLine: (line) => {
      const [kind, a, b] = line.split(' ');
      if (kind === 'url') fakeUrl(a!);
      if (kind === 'first-token') firstTokenAt.set(Number(a), Number(b));
    },
  });
  const url = await Promise.race([listening, fake.exited.then(() => Promise.reject(new Error(`the fake model exited\n${fake.tail()}`)))]);
  const profile = profiling(options.profile, 'llm');
  const server = await startService({
    ...(options.serviceRoot ? { root: options.serviceRoot } : {}),
    nodeArgs: profile.nodeArgs,
    env: { SCORER: 'llm', OPENAI_BASE_URL: url, OPENAI_MODEL: 'bench-grader', LLM_TIMEOUT_MS: '20000' },
  });
  const texts = loadBankFile(DEFAULT_BANK_FILE).questions.map((q) => q.reference);
  let marker = 0;
  const nextMarker = () => ++marker;

  const scenarios = options.quick
    ? [{ clients: 1, answers: 10 }]
    : [
        { clients: 1, answers: 60 },
        { clients: 16, answers: 10 },
      ];
  const rows: string[][] = [];
  let sequential: ReturnType<typeof summarise> | undefined;
  try {
    // warm-up: the first gradings compile the SDK's and the grader's code paths
    await answerWithLlm(server.url, 3, nextMarker, texts);
    for (const s of scenarios) {
      const runs = await Promise.all(Array.from({ length: s.clients }, () => answerWithLlm(server.url, s.answers, nextMarker, texts)));
      const timings: LlmAnswerTiming[] = runs.flat();
      const overhead = timings.flatMap((t) => {
        const sent = firstTokenAt.get(t.marker);
        return sent !== undefined && t.firstDeltaAt !== undefined ? [t.firstDeltaAt - sent] : [];
      });
      const total = summarise(timings.flatMap((t) => (t.resultAt !== undefined ? [t.resultAt - t.submittedAt] : [])));
      const toResult = summarise(timings.flatMap((t) => (t.resultAt !== undefined && firstTokenAt.has(t.marker) ? [t.resultAt - firstTokenAt.get(t.marker)!] : [])));
      const o = summarise(overhead);
      if (s.clients === 1) sequential = o;
      const fallbacks = timings.filter((t) => t.scorer !== 'llm').length;
      rows.push([
        String(s.clients),
        String(timings.length),
        fmt(o.p50, 2),
        fmt(o.p95, 2),
        fmt(o.max, 2),
        fmt(toResult.p50, 2),
        fmt(total.p50, 1),
        fmt(total.p95, 1),
        String(fallbacks + (timings.length - overhead.length)),
      ]);
    }
  } finally {
    await server.stop();
    await fake.stop();
  }
  printTable(
    `llm: first token leaves the fake -> first assessment:delta at the client, ms (fake waits ${MODEL_LATENCY_MS} ms, then streams its whole reply)`,
    ['clients', 'answers', 'overhead p50', 'overhead p95', 'overhead max', 'first token -> result p50', 'submit -> result p50', 'submit -> result p95', 'fallbacks/missing'],
    rows,
  );
  profile.print('llm service profile');
  const targets: TargetCheck[] = [
    { name: 'llm overhead p50 (1 client)', value: sequential?.p50 ?? NaN, limit: TARGET_MS, unit: 'ms', kind: 'max' },
    { name: 'llm overhead p95 (1 client)', value: sequential?.p95 ?? NaN, limit: TARGET_MS, unit: 'ms', kind: 'max' },
  ];
  printTable('llm: targets', ['target', 'measured', 'verdict'], targetRows(targets));
  const summary = `llm: service overhead first token -> first delta p50 ${fmt(sequential?.p50, 2)} ms, p95 ${fmt(sequential?.p95, 2)} ms (1 client, ${MODEL_LATENCY_MS} ms model latency)`;
  console.log(`\n${summary}`);
  return { name: 'llm', summary, targets };
}

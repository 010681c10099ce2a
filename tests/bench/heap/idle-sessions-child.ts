/**
 * Child-process entry for the heap bench: opens K connections that each start an interview and then
 * sit idle, and reads the server's heap (GET /metrics, after forced GCs) before, during and after.
 * One `RESULT {json}` line at the end.
 *
 *   node --experimental-websocket --import tsx tests/bench/heap/idle-sessions-child.ts '<json>'
 */
import { io } from 'socket.io-client';
import type { BenchSocket } from '../live/inbox.js';
import { InspectorGc } from './inspector-gc.js';

export interface IdleConfig {
  url: string;
  inspectorUrl: string;
  sessions: number;
  warmUpSessions: number;
}

export interface MemoryReading {
  heapUsedBytes: number;
  rssBytes: number;
}

export interface IdleResult {
  sessions: number;
  opened: number;
  baseline: MemoryReading;
  loaded: MemoryReading;
  afterClose: MemoryReading;
  /** after a second round of K sessions opened and closed: growth again means a leak, not a one-off */
  afterSecondRound: MemoryReading;
}

const TIMEOUT_MS = 20_000;
const CONNECT_BATCH = 100;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One connection with a started interview whose first question has arrived. */
async function openSession(url: string): Promise<BenchSocket> {
  const socket: BenchSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: TIMEOUT_MS });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const question = new Promise<void>((resolve) => socket.once('interviewer:question', () => resolve()));
  const started = await socket.timeout(TIMEOUT_MS).emitWithAck('interview:start', { mode: 'practice', questionCount: 5, followUps: 1 });
  if (!started.ok) throw new Error(`interview:start failed: ${started.error.code}`);
  await Promise.race([question, sleep(TIMEOUT_MS).then(() => Promise.reject(new Error('no first question')))]);
  return socket;
}

async function openMany(url: string, n: number): Promise<BenchSocket[]> {
  const sockets: BenchSocket[] = [];
  for (let i = 0; i < n; i += CONNECT_BATCH) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, () => openSession(url)))));
  }
  return sockets;
}

async function closeAll(sockets: BenchSocket[]): Promise<void> {
  for (const s of sockets) s.close();
  // let the server see every close and drop its state before measuring
  await sleep(2_000);
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`/metrics has no ${name}`);
  return Number(line.split(' ')[1]);
}

/** Median of three (GC, then /metrics) readings: a scrape allocates a little, a GC in between clears it. */
async function read(url: string, gc: InspectorGc): Promise<MemoryReading> {
  const readings: MemoryReading[] = [];
  for (let i = 0; i < 3; i++) {
    await gc.collect();
    const text = await (await fetch(`${url}/metrics`)).text();
    readings.push({
      heapUsedBytes: metric(text, 'mock_interviewer_nodejs_heap_size_used_bytes'),
      rssBytes: metric(text, 'mock_interviewer_process_resident_memory_bytes'),
    });
  }
  readings.sort((a, b) => a.heapUsedBytes - b.heapUsedBytes);
  return readings[1]!;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as IdleConfig;
  const gc = await InspectorGc.connect(config.inspectorUrl);
  // warm-up: code paths compiled, statements prepared, pools sized, so the baseline is not flattered
  await closeAll(await openMany(config.url, config.warmUpSessions));
  await read(config.url, gc);
  const baseline = await read(config.url, gc);
  const sockets = await openMany(config.url, config.sessions);
  await sleep(2_000);
  const loaded = await read(config.url, gc);
  await closeAll(sockets);
  const afterClose = await read(config.url, gc);
  await closeAll(await openMany(config.url, config.sessions));
  const afterSecondRound = await read(config.url, gc);
  gc.close();
  const result: IdleResult = { sessions: config.sessions, opened: sockets.length, baseline, loaded, afterClose, afterSecondRound };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error('idle sessions failed:', err);
  process.exit(1);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseQuery } from 'node:querystring';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import type { z } from 'zod';
import { startTestServer, EventLog, type TestClient, type TestServer } from '../support/test-server.js';
import { AppError, ERROR_CODES, type ErrorCode } from '../../server/errors.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { FinishPayloadSchema, ResumePayloadSchema, StartPayloadSchema, SubmitPayloadSchema } from '../../server/realtime/contract.js';

/**
 * Property-based fuzzing of every way in: each socket event, unknown events, raw socket.io frames,
 * and the REST routes' bodies, query strings, headers and paths. Whatever arrives, the answer is a
 * coded error (`{ ok: false, error: { code, message } }` over socket.io, `{ error: { code, message } }`
 * with the matching status over HTTP) or nothing at all when no acknowledgement was asked for; never
 * INTERNAL, never a stack or a file path. A payload the contract rejects gets BAD_REQUEST; one that
 * turns out well formed (an odd but valid candidate name, say) may succeed. Afterwards the server
 * still works and holds nothing extra.
 *
 * Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> npx vitest run tests/integration/fuzz.test.ts
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const banks = loadBanks('data/banks');

/** payloads per socket event, sent in parallel batches */
const RUNS_PER_EVENT = 20;
const BATCH = 100;
const ACK_TIMEOUT_MS = 5_000;
/** how long an event that must be ignored gets to answer anyway, after the server has provably read it */
const IGNORE_GRACE_MS = 100;
const POOL_SIZE = 4;

const EVENTS = ['interview:start', 'interview:resume', 'answer:submit', 'interview:finish'] as const;
type EventName = (typeof EVENTS)[number];
const SCHEMAS: Record<EventName, z.ZodType> = {
  'interview:start': StartPayloadSchema,
  'interview:resume': ResumePayloadSchema,
  'answer:submit': SubmitPayloadSchema,
  'interview:finish': FinishPayloadSchema,
};
const FIELDS: Record<EventName, string[]> = {
  'interview:start': ['candidate', 'bank', 'level', 'topics', 'questionCount', 'mode', 'followUps', 'questionIds', 'retryOf'],
  'interview:resume': ['sessionId', 'token'],
  'answer:submit': ['sessionId', 'turnId', 'text'],
  'interview:finish': ['sessionId'],
};
/** socket.io refuses to send these; the parser on the server refuses to receive them (see the raw frames) */
const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

const count = { socket: 0, unknownEvents: 0, rawFrames: 0, http: 0 };
/** how the socket events were answered, to show the fuzz reached past validation */
const outcomes = new Map<string, number>();
const tally = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

// ---------------------------------------------------------------------------------------------------
// generators

const ODD_CHARS = [
  '\u0000', '\u0001', '\u0008', '\u001b', '\u007f', '\u0085', '\u00a0', // NUL, controls, NEL, NBSP
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', // zero-width
  '\u202e', '\u202d', '\u200f', '\u061c', '\u2066', '\u2069', 'שלום', 'العربية', // bidi overrides and RTL text
  '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', // lone surrogates
  '\ud83d\ude00', '\u{10ffff}', '\ufffd', '\uffff', '\u0301', '\u0338', 'é', // astral, non-characters, combining marks
  '\u2028', '\u2029', '\r\n', '\t', ' ', '"', "'", '\\', '<script>', '</candidate_answer>', '{{answer}}', '%00', '${x}',
];
const oddChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_CHARS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const oddString = fc.string({ unit: oddChar, maxLength: 40 });
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then', 'toJSON', ''];
const keyArb = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ unit: oddChar, maxLength: 12 }));
const ANYTHING: fc.ObjectConstraints = {
  maxDepth: 3,
  maxKeys: 6,
  key: keyArb,
  stringUnit: oddChar,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withObjectString: true,
};
const anything = fc.anything(ANYTHING);

/** Bytes a string takes inside a JSON text (escapes included): what counts against the frame limit. */
const jsonBytes = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;
const HUGE_UNITS = ['x', 'é', '€', '😀', '\u0000', '\ud800', '\u200b', ' ', 'ab\u202ecd', '"'];
/** Strings up to `maxBytes` on the wire; the frame limit is ~48 KB, so 46 000 leaves room for the envelope. */
const hugeString = (minBytes: number, maxBytes: number) =>
  fc
    .tuple(fc.constantFrom(...HUGE_UNITS), fc.integer({ min: minBytes, max: maxBytes }))
    .map(([unit, bytes]) => unit.repeat(Math.max(1, Math.floor(bytes / jsonBytes(unit)))));

/** Nested arrays, objects or both, `depth` levels deep (up to 2 000). */
function nest(depth: number, kind: 'array' | 'object' | 'mixed'): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    v = asArray ? [v] : { a: v };
  }
  return v;
}
const deepValue = fc.tuple(fc.integer({ min: 2, max: 2000 }), fc.constantFrom('array', 'object', 'mixed') as fc.Arbitrary<'array' | 'object' | 'mixed'>).map(([d, k]) => nest(d, k));

/** `base` plus an own property `key`; a key of "__proto__" becomes a real own key, as JSON.parse makes it. */
function withKey(base: object, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Payloads carrying `__proto__` / `constructor.prototype` as own keys, built by JSON.parse like a server would. */
const protoPayload = (base: Record<string, unknown>) =>
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
      fc.constantFrom('top', 'nested', 'array'),
      fc.constantFrom('{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '[]', 'null', '"x"', '{"toString":"no"}'),
    )
    .map(([key, where, value]) => {
      const fields = Object.entries(base).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
      const first = Object.keys(base)[0] ?? 'x';
      if (where === 'top') return JSON.parse(`{${[`"${key}":${value}`, ...fields].join(',')}}`) as unknown;
      if (where === 'nested') return JSON.parse(`{${[...fields.slice(1), `${JSON.stringify(first)}:{"${key}":${value}}`].join(',')}}`) as unknown;
      return JSON.parse(`[{"${key}":${value}}]`) as unknown;
    });

interface Context {
  sessionId: string;
  token: string;
  /** the answered turn of a completed interview: a new text for it can only be refused */
  turnId: string;
}

function templates(ctx: Context): Record<EventName, Record<string, unknown>> {
  return {
    'interview:start': { candidate: 'Fuzz', level: 'beginner', questionCount: 1, mode: 'practice', followUps: 0 },
    'interview:resume': { sessionId: ctx.sessionId, token: ctx.token },
    'answer:submit': { sessionId: ctx.sessionId, turnId: ctx.turnId, text: 'a different answer' },
    'interview:finish': { sessionId: ctx.sessionId },
  };
}

/** Malformed (and some well-formed but odd) payloads for one event, built around a valid one. */
function payloadArb(event: EventName, ctx: Context): fc.Arbitrary<unknown> {
  const base = templates(ctx)[event];
  const field = fc.constantFrom(...FIELDS[event]);
  const set = (k: string, v: unknown) => ({ ...base, [k]: v });
  return fc.oneof(
    { weight: 3, arbitrary: anything }, // any value at all
    { weight: 3, arbitrary: fc.tuple(field, anything).map(([k, v]) => set(k, v)) }, // a wrong type in one field
    { weight: 2, arbitrary: fc.tuple(field, oddString).map(([k, v]) => set(k, v)) }, // odd unicode in one field
    { weight: 1, arbitrary: fc.tuple(field, hugeString(1, 46_000)).map(([k, v]) => set(k, v)) },
    { weight: 1, arbitrary: fc.tuple(field, deepValue).map(([k, v]) => set(k, v)) },
    { weight: 1, arbitrary: deepValue },
    { weight: 2, arbitrary: fc.tuple(keyArb, anything).map(([k, v]) => withKey(base, k, v)) }, // an extra key
    { weight: 2, arbitrary: protoPayload(base) },
    { weight: 1, arbitrary: fc.subarray(Object.keys(base)).map((keep) => Object.fromEntries(keep.map((k) => [k, base[k]]))) }, // missing fields
    { weight: 1, arbitrary: fc.constantFrom<unknown>([base], Object.values(base), Object.entries(base), [], [[]], '', 0, null, true) }, // not an object
  );
}

type Mode = 'ack' | 'no-ack' | 'extra-args' | 'no-payload';
interface Item {
  event: EventName;
  payload: unknown;
  mode: Mode;
  extras: unknown[];
}
const modeArb: fc.Arbitrary<Mode> = fc.oneof(
  { weight: 16, arbitrary: fc.constant('ack' as const) },
  { weight: 2, arbitrary: fc.constant('no-ack' as const) }, // emitted without a callback: must be ignored
  { weight: 1, arbitrary: fc.constant('extra-args' as const) }, // payload, more arguments, then the callback
  { weight: 1, arbitrary: fc.constant('no-payload' as const) }, // only the callback
);
const itemArb = (event: EventName, ctx: Context): fc.Arbitrary<Item> =>
  fc.record({ event: fc.constant(event), payload: payloadArb(event, ctx), mode: modeArb, extras: fc.array(anything, { minLength: 1, maxLength: 3 }) });

// ---------------------------------------------------------------------------------------------------
// oracles

const encoder = new Encoder();
/**
 * The payload as the server's handler receives it, through the same socket.io parser both ends use
 * (JSON semantics; binary as attachments, which the client rebuilds into plain objects on the way).
 */
function onTheWire(value: unknown): unknown {
  let received: unknown;
  const decoder = new Decoder();
  decoder.on('decoded', (packet: { data?: unknown[] }) => {
    received = packet.data?.[1];
  });
  for (const part of encoder.encode({ type: PacketType.EVENT, nsp: '/', data: ['fuzz', value] }) as unknown[]) decoder.add(part);
  return received;
}

/**
 * Whether socket.io-client can encode these event arguments at all. It cannot when a binary packet holds
 * an own "__proto__" key: rebuilding the object sets its prototype instead, e.g. to a Date, whose
 * toJSON then throws. Such a payload never leaves the client, so it is not sent.
 */
function sendable(data: unknown[]): boolean {
  try {
    encoder.encode({ type: PacketType.EVENT, nsp: '/', data });
    return true;
  } catch {
    return false;
  }
}

/** The value as a JSON text carries it; binary becomes a plain object of its bytes. */
function asJson(value: unknown): unknown {
  return (JSON.parse(JSON.stringify([value])) as unknown[])[0];
}

const acceptedByContract = (event: EventName, payload: unknown) => SCHEMAS[event].safeParse(onTheWire(payload)).success;

/** What a client must never see: stack frames, file paths of this checkout, module names. */
function leaks(message: string): boolean {
  return /\n\s*at\s|node_modules|file:\/\/|\.(?:ts|js|mjs|cjs):\d+/.test(message) || message.includes(ROOT) || message.includes(ROOT.replace(/\/$/, ''));
}

/** null when `error` is a proper coded error body; otherwise what is wrong with it. */
function codedErrorProblem(error: unknown): string | null {
  if (!error || typeof error !== 'object') return 'error is not an object';
  const e = error as { code?: unknown; message?: unknown };
  if (Object.keys(e).sort().join() !== 'code,message') return `error has fields ${Object.keys(e).join(', ')}, not code and message`;
  if (!(ERROR_CODES as readonly unknown[]).includes(e.code)) return `unknown error code ${String(e.code)}`;
  if (e.code === 'INTERNAL') return 'INTERNAL: the server threw on this input';
  if (typeof e.message !== 'string' || e.message.length === 0) return 'the message is empty';
  if (leaks(e.message)) return `the message leaks internals: ${e.message.slice(0, 200)}`;
  return null;
}

/** null when the acknowledgement is right for a payload the contract accepts (or rejects); else the problem. */
function ackProblem(res: unknown, accepted: boolean): string | null {
  if (!res || typeof res !== 'object') return `the acknowledgement is ${JSON.stringify(res)}`;
  const r = res as { ok?: unknown; error?: { code?: unknown } };
  if (r.ok === true) return accepted ? null : 'a payload the contract rejects was accepted';
  if (r.ok !== false) return 'ok is neither true nor false';
  if (Object.keys(r).sort().join() !== 'error,ok') return `an error acknowledgement with fields ${Object.keys(r).join(', ')}`;
  const problem = codedErrorProblem(r.error);
  if (problem) return problem;
  if (!accepted && r.error!.code !== 'BAD_REQUEST') return `a payload the contract rejects got ${String(r.error!.code)}, not BAD_REQUEST`;
  return null;
}

/**
 * fc.assert, minus fast-check's own report: it prints the whole failing batch, and a payload nested
 * 2 000 deep overflows its printer. The property's error names the one failing payload instead.
 */
async function holds<T>(property: fc.IAsyncProperty<T>, params: fc.Parameters<T>): Promise<void> {
  const details = await fc.check(property, params);
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`property failed after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}): ${cause}`);
  }
}

function show(value: unknown): string {
  try {
    const text = fc.stringify(value);
    return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------------------
// plumbing

let server: TestServer;
let ctx: Context;
let pool: Socket[] = [];
let unknownAcks = 0;
let heapBefore = 0;
const prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();

/** A garbage collection, so heap figures compare live data. */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (vm.runInNewContext('gc') as () => void);
  gc();
  gc();
}

async function rawSocket(url: string, transport: 'websocket' | 'polling' = 'websocket'): Promise<Socket> {
  const socket = connect(url, { transports: [transport], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Sends one item and says what is wrong with the answer, if anything. */
async function sendItem(socket: Socket, item: Item): Promise<string | null> {
  const args = item.mode === 'extra-args' ? [item.payload, ...item.extras] : item.mode === 'no-payload' ? [] : [item.payload];
  if (!sendable([item.event, ...args])) {
    tally('not sendable by socket.io-client');
    return null;
  }
  count.socket += 1;
  if (item.mode === 'no-ack') {
    socket.emit(item.event, item.payload);
    tally('ignored (no acknowledgement asked)');
    return null;
  }
  let res: unknown;
  try {
    res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(item.event, ...args);
  } catch {
    return `no acknowledgement within ${ACK_TIMEOUT_MS} ms`;
  }
  const r = res as { ok?: boolean; error?: { code?: string } };
  tally(r.ok ? 'ok' : String(r.error?.code));
  return ackProblem(res, item.mode === 'ack' && acceptedByContract(item.event, item.payload));
}

async function completedInterview(client: TestClient): Promise<Context> {
  const log = new EventLog(client);
  const started = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1, followUps: 0 });
  if (!started.ok) throw new Error(`start failed: ${started.error.code}`);
  const q = await log.waitFor('interviewer:question', 1);
  await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: banks.question(q.questionId)!.reference });
  await log.waitFor('interview:complete', 1);
  return { sessionId: started.sessionId, token: started.token, turnId: q.turnId };
}

/** The server's live connections, rooms and per-session work: what a leak would grow. */
function held() {
  const io = server.app.io;
  return { engineClients: io.engine.clientsCount, sockets: io.of('/').sockets.size, rooms: io.of('/').adapter.rooms.size };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  console.log(`fuzz seed ${SEED}; reproduce with FUZZ_SEED=${SEED}`);
  server = await startTestServer({ ANSWERS_PER_MINUTE: 0, MAX_SESSIONS_PER_IP: 0, MAX_CONNECTIONS_PER_IP: 0, HTTP_RATE_LIMIT_PER_MINUTE: 0 });
  const owner = await server.client();
  ctx = await completedInterview(owner);
  owner.disconnect();
  // every pool socket holds the completed session, so payloads reach past the authorisation check
  pool = await Promise.all(Array.from({ length: POOL_SIZE }, () => rawSocket(server.url)));
  for (const s of pool) {
    const res = (await s.timeout(5000).emitWithAck('interview:resume', { sessionId: ctx.sessionId, token: ctx.token })) as { ok: boolean };
    expect(res.ok).toBe(true);
  }
  collect();
  heapBefore = process.memoryUsage().heapUsed;
});

afterAll(async () => {
  for (const s of pool) s.disconnect();
  await server?.close();
});

// ---------------------------------------------------------------------------------------------------

describe('fuzzing every way into the server', () => {
  for (const [i, event] of EVENTS.entries()) {
    it(`${event}: ${RUNS_PER_EVENT * BATCH} malformed payloads get a coded error, or are ignored when sent without an acknowledgement`, async () => {
      await holds(
        fc.asyncProperty(fc.array(itemArb(event, ctx), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const problems = await Promise.all(batch.map((item, j) => sendItem(pool[j % POOL_SIZE]!, item)));
          const bad = problems.findIndex((p) => p !== null);
          if (bad >= 0) {
            const item = batch[bad]!;
            throw new Error(`${item.event} (${item.mode}) ${show(item.payload)}${item.mode === 'extra-args' ? ` + ${show(item.extras)}` : ''}: ${problems[bad]}`);
          }
        }),
        { seed: SEED + i, numRuns: RUNS_PER_EVENT, endOnFailure: true },
      );
    }, 30_000);
  }

  it('unknown event names are ignored, acknowledgement or not, and the connection keeps working', async () => {
    const nameArb = fc
      .oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'error', 'message', 'interview:Start', 'interview:start ', 'answer:submit\u0000', 'interview', 'interviewer:question', 'interview:complete', ''),
        oddString,
        fc.string(),
      )
      .filter((name) => !RESERVED_EVENTS.has(name));
    await holds(
      fc.asyncProperty(fc.array(fc.tuple(nameArb, anything, fc.boolean()), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        batch.forEach(([name, payload, withAck], j) => {
          const socket = pool[j % POOL_SIZE]!;
          count.unknownEvents += 1;
          if (withAck) socket.emit(name, payload, () => (unknownAcks += 1));
          else socket.emit(name, payload);
        });
        // events are handled in order: once a known event is answered, the unknown ones before it were read
        for (const socket of pool) {
          const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('interview:finish', { sessionId: 42 });
          if (ackProblem(res, false)) throw new Error(`the connection stopped answering after unknown events: ${JSON.stringify(res)}`);
        }
        await new Promise((r) => setTimeout(r, IGNORE_GRACE_MS));
        if (unknownAcks > 0) throw new Error(`an unknown event was acknowledged (${unknownAcks})`);
      }),
      { seed: SEED + 10, numRuns: 6, endOnFailure: true },
    );
    expect(pool.every((s) => s.connected)).toBe(true);
  }, 30_000);

  it('raw socket.io frames, malformed at the protocol level, get a coded error, are ignored, or close only their own connection', async () => {
    const ackId = fc.integer({ min: 100_000, max: 999_999 });
    const known = fc.constantFrom(...EVENTS);
    const frameArb = fc.oneof(
      fc.tuple(ackId, known, anything).map(([id, ev, p]) => `2${id}${JSON.stringify([ev, asJson(p)])}`),
      fc.tuple(ackId, known, oddString).map(([id, ev, tail]) => `2${id}["${ev}",${tail}`), // truncated or garbled JSON
      fc.tuple(ackId, fc.integer({ min: 2, max: 15_000 })).map(([id, depth]) => `2${id}${'['.repeat(depth)}${']'.repeat(depth)}`), // deep nesting past any recursion
      fc.tuple(ackId, known).map(([id, ev]) => `51-${id}["${ev}",{"_placeholder":true,"num":0}]`), // binary event without its attachment
      fc.tuple(ackId, fc.constantFrom(...RESERVED_EVENTS)).map(([id, ev]) => `2${id}["${ev}"]`),
      fc.tuple(ackId, anything).map(([id, p]) => `3${id}${JSON.stringify([asJson(p)])}`), // an acknowledgement nobody asked for
      fc.tuple(ackId, known).map(([id, ev]) => `2${id}[${JSON.stringify(ev)},{"sessionId":"x"},{"b":1}]`),
      fc.constantFrom('', '0', '1', '2', '3', '4', '5', '6', '9', '2[]', '2{}', '2"x"', '2[1]', '2[null]', '0/admin,', '2/nsp,["x"]', '4"boom"'),
      oddString.map((s) => `2${s}`),
    );
    const acks: unknown[] = [];
    let closed = 0;
    const open = async () => {
      const socket = await rawSocket(server.url);
      socket.io.engine.on('message', (data: unknown) => {
        const m = typeof data === 'string' ? /^3\d+(\[[\s\S]*)$/.exec(data) : null;
        if (m) acks.push((JSON.parse(m[1]!) as unknown[])[0]);
      });
      return socket;
    };
    await holds(
      fc.asyncProperty(fc.array(frameArb, { minLength: 20, maxLength: 20 }), async (frames) => {
        let socket = await open();
        for (const frame of frames) {
          if (!socket.connected) {
            closed += 1;
            socket = await open();
          }
          count.rawFrames += 1;
          socket.io.engine.write(frame);
          // the server is in this process: a short pause lets it answer before the next frame can close the connection
          await new Promise((r) => setTimeout(r, 2));
        }
        socket.disconnect();
        const bad = acks.map((a) => ackProblem(a, true)).find((p) => p !== null);
        if (bad) throw new Error(`a raw frame got ${bad}`);
        const health = await fetch(`${server.url}/api/health`);
        if (health.status !== 200) throw new Error(`health is ${health.status} after raw frames ${show(frames)}`);
      }),
      { seed: SEED + 11, numRuns: 20, endOnFailure: true },
    );
    console.log(`raw frames: ${acks.length} answered with an acknowledgement, ${closed} connections closed by the server`);
    expect(acks.length).toBeGreaterThan(0);
  }, 30_000);

  it('REST bodies, query strings, Authorization headers and paths get coded errors with the matching status', async () => {
    const bearer = { authorization: `Bearer ${ctx.token}` };
    const questionId = banks.defaultBank().questions[0]!.id;
    interface HttpCase {
      path: string;
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string | Uint8Array;
      /** 200 is the right answer: the request is well formed */
      ok?: boolean;
      /** 200 is an acceptable answer: well formed, odd content */
      mayPass?: boolean;
    }
    const json = (body: unknown, extra: Record<string, string> = {}): HttpCase => ({
      path: '/api/score',
      method: 'POST',
      headers: { 'content-type': 'application/json', ...extra },
      body: JSON.stringify(asJson(body)),
    });
    const SCORE_FIELDS = ['questionId', 'answer', 'question', 'reference', 'tip'];
    const validScore = { questionId, answer: 'An answer.' };
    /** the value of `v` as the JSON body carries it; absent when JSON drops it (undefined) */
    const inJson = (v: unknown) => asJson({ v }) as { v?: unknown };
    const notString = anything.filter((v) => 'v' in inJson(v) && typeof inJson(v).v !== 'string');
    const scoreCase: fc.Arbitrary<HttpCase> = fc.oneof(
      anything.map((b) => ({ ...json(b), mayPass: true })), // { questionId, answer } by chance is still fine
      fc.tuple(fc.constantFrom(...SCORE_FIELDS), notString).map(([k, v]) => json({ ...validScore, [k]: v })),
      fc.tuple(keyArb.filter((k) => !SCORE_FIELDS.includes(k)), anything.filter((v) => 'v' in inJson(v))).map(([k, v]) => json(withKey(validScore, k, v))),
      protoPayload(validScore).map((b) => json(b)),
      fc.constantFrom<unknown>({}, { answer: 'x' }, { questionId }, { question: 'q', answer: 'a' }, [validScore], { ...validScore, answer: '' }).map((b) => json(b)),
      fc.tuple(fc.constantFrom('questionId', 'answer', 'question', 'reference'), hugeString(8_001 * 4, 120_000)).map(([k, v]) => json({ ...validScore, question: 'q', reference: 'r', [k]: v })),
      deepValue.map((b) => json({ ...validScore, answer: b })),
      fc.integer({ min: 2, max: 40_000 }).map((d) => ({ ...json(null), body: `${'['.repeat(d)}${']'.repeat(d)}` })), // deeper than any recursive parser
      oddString.map((answer) => ({ ...json({ questionId, answer: `${answer} caching` }), mayPass: true })), // odd unicode, well formed
      fc.constantFrom('{', '{"questionId":', '[1,2', 'null', '1', '"x"', 'true', '\ufeff{}', '{"a":1}{"b":2}', 'NaN', '{\u0000}').map((body) => ({ ...json(null), body })),
      fc.uint8Array({ minLength: 1, maxLength: 200 }).map((body) => ({ ...json(null), body })), // not UTF-8
      fc
        .tuple(
          fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/vnd.api+json', ''),
          fc.constantFrom(JSON.stringify(validScore), 'questionId=x&answer=y', '--x\r\n\r\n--x--'),
        )
        .map(([type, body]): HttpCase => ({ path: '/api/score', method: 'POST', headers: type ? { 'content-type': type } : {}, body })),
      fc
        .tuple(fc.constantFrom('gzip', 'deflate', 'br', 'identity, gzip', 'x-unknown'), fc.uint8Array({ maxLength: 64 }))
        .map(([encoding, body]) => ({ path: '/api/score', method: 'POST' as const, headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body })),
    );

    /** A query string of tokens, some of which are not valid percent-encoding. */
    const queryArb = fc
      .array(fc.constantFrom('format', 'format[]', 'format[x]', '=', '&', '&', 'md', 'html', 'json', 'pdf', 'MD', '%00', '%', '%zz', '%ED%A0%80', '%E2%80%AE', '__proto__', 'constructor', 'prototype', '[', ']', '+', ';', '%20', 'x'.repeat(1000)), { maxLength: 12 })
      .map((tokens) => tokens.join(''));
    const reportCase: fc.Arbitrary<HttpCase> = queryArb.map((query) => {
      const format = parseQuery(query).format;
      const ok = format === undefined || (typeof format === 'string' && ['md', 'html', 'json'].includes(format));
      return { path: `/api/sessions/${ctx.sessionId}/report?${query}`, headers: bearer, ok };
    });

    const latin1 = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c)), maxLength: 300 });
    const authCase: fc.Arbitrary<HttpCase> = fc
      .tuple(fc.constantFrom('', 'Bearer ', 'bearer ', 'Basic ', 'Bearer  ', `Bearer ${ctx.token} `, 'Bearer\t'), latin1, fc.constantFrom('', `/report?format=md`))
      .map(([scheme, value, tail]) => ({ path: `/api/sessions/${ctx.sessionId}${tail}`, headers: { authorization: `${scheme}${value}`.trim() === `Bearer ${ctx.token}` ? 'Bearer nope' : `${scheme}${value}`, 'x-forwarded-for': value.slice(0, 20), accept: value.slice(0, 30) } }));

    const segmentArb = fc.oneof(
      oddString.map((s) => percentEncode(s)),
      fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%00', '..', '%2e%2e', '%2F', '__proto__', 'constructor', 'x'.repeat(5000)),
    );
    const pathCase: fc.Arbitrary<HttpCase> = fc
      .tuple(segmentArb, fc.constantFrom('', '/report', '/report?format=md'), fc.boolean())
      .map(([seg, tail, auth]): HttpCase => ({ path: `/api/sessions/${seg}${tail}`, headers: auth ? { authorization: 'Bearer abc' } : {} }));

    const caseArb = fc.oneof({ weight: 12, arbitrary: scoreCase }, { weight: 4, arbitrary: reportCase }, { weight: 3, arbitrary: authCase }, { weight: 3, arbitrary: pathCase });

    await holds(
      fc.asyncProperty(fc.array(caseArb, { minLength: 50, maxLength: 50 }), async (batch) => {
        const problems = await Promise.all(batch.map((c) => httpProblem(c)));
        const bad = problems.findIndex((p) => p !== null);
        if (bad >= 0) {
          const c = batch[bad]!;
          throw new Error(`${c.method ?? 'GET'} ${c.path.slice(0, 300)} ${show(c.headers)} ${show(typeof c.body === 'string' ? c.body.slice(0, 300) : c.body)}: ${problems[bad]}`);
        }
      }),
      { seed: SEED + 12, numRuns: 44, endOnFailure: true },
    );

    async function httpProblem(c: HttpCase): Promise<string | null> {
      count.http += 1;
      let res: Response;
      try {
        res = await fetch(`${server.url}${c.path}`, { method: c.method ?? 'GET', headers: c.headers, body: typeof c.body === 'string' || c.body === undefined ? c.body : Buffer.from(c.body) });
      } catch (err) {
        return `the request failed: ${(err as Error).message}`;
      }
      const text = await res.text();
      if (res.status === 200) return c.ok || c.mayPass ? null : `200 for a malformed request`;
      if (c.ok) return `${res.status} for a well-formed request: ${text.slice(0, 200)}`;
      let body: { error?: { code?: ErrorCode } };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return `${res.status} with a body that is not JSON: ${text.slice(0, 200)}`;
      }
      const problem = codedErrorProblem(body.error);
      if (problem) return `${res.status}: ${problem}`;
      const expected = new AppError(body.error!.code!, '').httpStatus;
      if (res.status !== expected) return `status ${res.status} for ${body.error!.code}, expected ${expected}`;
      return null;
    }
  }, 60_000);

  it('afterwards the server is healthy, runs a normal interview, has no polluted prototype and holds no leftover connections or memory', async () => {
    const total = count.socket + count.unknownEvents + count.http;
    console.log(
      `fuzz seed ${SEED}: ${total} payloads (${count.socket} on the 4 events, ${count.unknownEvents} unknown events, ${count.http} HTTP requests) + ${count.rawFrames} raw frames`,
    );
    console.log(`fuzz: socket events answered ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}`);
    expect(total).toBeGreaterThanOrEqual(10_000);

    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const client = await server.client();
    const log = new EventLog(client);
    const started = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 2, followUps: 0 });
    if (!started.ok) throw new Error(`start failed: ${started.error.code}`);
    for (let i = 1; i <= 2; i++) {
      const q = await log.waitFor('interviewer:question', i);
      const ack = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: banks.question(q.questionId)!.reference });
      expect(ack).toEqual({ ok: true, turnId: q.turnId });
    }
    await log.waitFor('interview:complete', 1);
    const report = await fetch(`${server.url}/api/sessions/${started.sessionId}/report?format=md`, { headers: { authorization: `Bearer ${started.token}` } });
    expect(report.status).toBe(200);
    client.disconnect();

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeysBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString.call([])).toBe('[object Array]');
    expect(unknownAcks).toBe(0);

    for (const s of pool) s.disconnect();
    pool = [];
    await until(() => held().engineClients === 0, 5_000, 'the server to drop every closed connection');
    expect(held()).toEqual({ engineClients: 0, sockets: 0, rooms: 0 });
    collect();
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(`fuzz: heap grew by ${grownMb.toFixed(1)} MB over the run`);
    expect(grownMb).toBeLessThan(64);
  }, 30_000);
});

describe('frames over the transport limit', () => {
  it('are cut at the transport: that client is disconnected unanswered, the server stays up and frees its connection slot', async () => {
    const limited = await startTestServer({ MAX_CONNECTIONS_PER_IP: 2, LIMIT_LOOPBACK: 'on' });
    try {
      const limit = limited.app.io.engine.opts.maxHttpBufferSize ?? 0;
      expect(limit).toBeGreaterThan(32_000);
      for (const transport of ['websocket', 'polling', 'websocket', 'polling'] as const) {
        const socket = await rawSocket(limited.url, transport);
        let answered = false;
        const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
        socket.emit('answer:submit', { sessionId: 'x', turnId: 'y', text: 'x'.repeat(limit + 1) }, () => (answered = true));
        const reason = await Promise.race([dropped, new Promise<string>((r) => setTimeout(() => r('still connected'), 5_000))]);
        expect(reason, transport).toMatch(/^transport (close|error)$/);
        expect(answered).toBe(false);
        socket.disconnect();
      }

      // a frame just under the limit is read and refused with a coded error, over both transports
      for (const transport of ['websocket', 'polling'] as const) {
        const socket = await rawSocket(limited.url, transport);
        const res = await socket.timeout(5000).emitWithAck('answer:submit', { sessionId: 'x', turnId: 'y', text: 'x'.repeat(limit - 1024) });
        expect(ackProblem(res, false)).toBeNull();
        socket.disconnect();
      }

      const health = await fetch(`${limited.url}/api/health`);
      expect(health.status).toBe(200);
      // every dropped connection gave its slot back: the per-address limit of 2 still admits 2
      await until(() => limited.app.io.engine.clientsCount === 0, 5_000, 'the dropped connections to close');
      const a = await rawSocket(limited.url);
      const b = await rawSocket(limited.url);
      expect(a.connected && b.connected).toBe(true);
      a.disconnect();
      b.disconnect();
    } finally {
      await limited.close();
    }
  }, 30_000);
});

/** Percent-encodes UTF-16 code units as UTF-8 bytes, lone surrogates included (as invalid 3-byte sequences). */
function percentEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (/[A-Za-z0-9\-_.~]/.test(s[i]!)) out += s[i];
    else if (c < 0x80) out += `%${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x800) out += pct(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out += pct(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

function pct(...bytes: number[]): string {
  return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

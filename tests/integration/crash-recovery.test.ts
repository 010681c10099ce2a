import { seededRandom } from '../support/seeded-random.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { io as connect } from 'socket.io-client';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from '../support/fake-openai.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import type { TestClient } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import type { QuestionEvent, QuestionKind, TranscriptEntry } from '../../server/realtime/contract.js';

/**
 * The server process is SIGKILLed at random points of live interviews (right after an answer is sent,
 * right after its acknowledgement, while it is being scored, around follow-ups, while the report is
 * written), restarted on the same SQLite file, and the clients resume. Whatever the timing:
 * - every acknowledged answer is in the transcript exactly once;
 * - every answered turn ends up with exactly one assessment;
 * - every interview completes.
 *
 * Reproduce a failure with the seed it prints: CRASH_SEED=<seed> npx vitest run tests/integration/crash-recovery.test.ts
 */

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const banks = loadBanks('data/banks');

const SESSIONS_PER_WAVE = 4;
const QUESTIONS_PER_SESSION = 3;
const WEAK_ANSWERS = [
  "not sure, I'd use whatever the team uses",
  'Not sure really, I would probably just go with whatever the team already uses.',
  "Honestly I haven't thought about it; whatever the framework does by default.",
];
/** Long enough for any step of an interview under load; hitting it means the server got stuck. */
const STEP_TIMEOUT_MS = 20_000;

/** Where the server is killed. Each needs its triggering event to happen while armed. */
const KILL_POINTS = [
  'submit-before-ack', // the answer frame is on its way: stored or not, the client never hears
  'submit-after-ack', // the answer is committed and acknowledged; scoring is about to start
  'scoring', // the grader request is in flight (LLM) or has just run (offline)
  'follow-up-writing', // the answer is scored; the model is writing the follow-up
  'follow-up-asked', // a follow-up has just been asked
  'follow-up-answered', // an answer to a follow-up has just been sent
  'report-writing', // the last answer is scored; the report narrative is being written
] as const;
type KillPoint = (typeof KILL_POINTS)[number];
/** These windows only exist when a model is in the loop. */
const NEEDS_LLM: ReadonlySet<KillPoint> = new Set(['follow-up-writing', 'report-writing']);

/** 22 kills, spread so each kind of point gets several. */
const KILL_PLAN: KillPoint[] = [
  ...repeat('submit-before-ack', 4),
  ...repeat('submit-after-ack', 4),
  ...repeat('scoring', 5),
  ...repeat('follow-up-writing', 3),
  ...repeat('follow-up-asked', 2),
  ...repeat('follow-up-answered', 2),
  ...repeat('report-writing', 2),
];

function repeat(value: KillPoint, n: number): KillPoint[] {
  return Array.from({ length: n }, () => value);
}


type Random = () => number;
const randInt = (rand: Random, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
function shuffle<T>(rand: Random, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

type LlmCall = 'grader' | 'follow-up' | 'report';

function llmCallOf(body: ChatRequestBody): LlmCall {
  const system = String(body.messages?.[0]?.content ?? '');
  if (system.includes('follow-up question')) return 'follow-up';
  if (system.includes('summary and study plan')) return 'report';
  return 'grader';
}

/** A model that grades weak answers as missing everything and strong ones as covering everything. */
function modelReplies(body: ChatRequestBody): string {
  const call = llmCallOf(body);
  if (call === 'follow-up') return JSON.stringify({ question: 'Suppose this ran at ten times the load next year: what would you change first, and why?' });
  if (call === 'report') return JSON.stringify({ summary: 'Graded by the fake model during the crash test.', studyPlan: ['Practise the questions you found hard.'] });
  const user = String(body.messages?.at(-1)?.content ?? '');
  const ids = [...user.matchAll(/^- ([a-z0-9-]+) \((?:core|supporting)\)/gm)].map((m) => m[1]!);
  const answer = /<candidate_answer>\n([\s\S]*?)\n<\/candidate_answer>/.exec(user)?.[1] ?? '';
  const weak = WEAK_ANSWERS.some((w) => answer.includes(w));
  const score = (n: number) => ({ score: n, note: weak ? 'Vague.' : 'Solid.' });
  return JSON.stringify({
    points: ids.map((pointId) => ({ pointId, verdict: weak ? 'missing' : 'covered', evidence: weak ? '' : answer.slice(0, 40) })),
    criteria: weak
      ? { accuracy: score(0), depth: score(0), practice: score(0), communication: score(1) }
      : { accuracy: score(4), depth: score(3), practice: score(3), communication: score(4) },
    feedback: weak ? 'This answer does not address the question yet. Name the mechanisms and trade-offs.' : 'Clear and complete: you covered the core points with the reasons behind them.',
  });
}

/** Thrown into a client's flow when its connection drops, i.e. the server was killed. */
class Disconnected extends Error {}

interface SentAnswer {
  text: string;
  kind: QuestionKind;
  acked: boolean;
}

interface Hooks {
  submitted(kind: QuestionKind): void;
  acked(kind: QuestionKind): void;
  asked(kind: QuestionKind): void;
}

interface Stats {
  answersSent: number;
  resent: number;
  /** re-sent answers the dead server had already stored (the acknowledgement was what got lost) */
  resentAlreadyStored: number;
  completedByEvent: number;
  completedByResume: number;
}

/** One candidate's interview, across as many server processes as it takes. */
class Candidate {
  sessionId?: string;
  token?: string;
  /** every answer sent, by turn id: the same text is re-sent when its acknowledgement never came */
  readonly sent = new Map<string, SentAnswer>();
  done = false;
  /** told about each new question once, when it arrives */
  onAsked?: (kind: QuestionKind) => void;
  private socket?: TestClient;
  private inbox: QuestionEvent[] = [];
  private completeSeen = false;
  private wake: Array<() => void> = [];
  private lost?: Promise<never>;

  constructor(
    readonly name: string,
    private readonly rand: Random,
    private readonly stats: Stats,
  ) {}

  /** Connects, starts or resumes the interview and re-sends unacknowledged answers. Nothing is killed meanwhile. */
  async attach(url: string): Promise<void> {
    const socket: TestClient = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket = socket;
    this.inbox = [];
    this.completeSeen = false;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    this.lost = new Promise<never>((_, reject) => socket.once('disconnect', () => reject(new Disconnected())));
    this.lost.catch(() => undefined);
    socket.on('interviewer:question', (q) => this.receive(q));
    socket.on('interview:complete', () => {
      this.completeSeen = true;
      this.notify();
    });

    if (!this.sessionId) {
      const started = await socket.timeout(STEP_TIMEOUT_MS).emitWithAck('interview:start', {
        candidate: this.name,
        questionCount: QUESTIONS_PER_SESSION,
        mode: 'practice',
        followUps: 1,
      });
      if (!started.ok) throw new Error(`${this.name}: start failed: ${started.error.code} ${started.error.message}`);
      this.sessionId = started.sessionId;
      this.token = started.token;
      return;
    }

    const resumed = await socket.timeout(STEP_TIMEOUT_MS).emitWithAck('interview:resume', { sessionId: this.sessionId, token: this.token! });
    if (!resumed.ok) throw new Error(`${this.name}: resume failed: ${resumed.error.code} ${resumed.error.message}`);
    const stored = new Set(resumed.transcript.filter((m: TranscriptEntry) => m.role === 'candidate').map((m: TranscriptEntry) => m.turnId));
    for (const [turnId, answer] of this.sent) {
      if (answer.acked) {
        expect(stored.has(turnId), `${this.name}: the acknowledged answer to ${turnId} survived the restart`).toBe(true);
        continue;
      }
      this.stats.resent += 1;
      if (stored.has(turnId)) this.stats.resentAlreadyStored += 1;
      const ack = await socket.timeout(STEP_TIMEOUT_MS).emitWithAck('answer:submit', { sessionId: this.sessionId, turnId, text: answer.text });
      expect(ack, `${this.name}: re-sent answer to ${turnId}`).toEqual({ ok: true, turnId });
      answer.acked = true;
    }
    if (resumed.status === 'complete') {
      this.done = true;
      this.stats.completedByResume += 1;
      return;
    }
    expect(resumed.pending, `${this.name}: an active interview has a pending question after resume`).not.toBeNull();
    this.receive(resumed.pending!);
  }

  /** Answers questions until the interview completes or the connection drops. */
  async drive(hooks: Hooks): Promise<void> {
    if (this.done) return;
    const socket = this.socket!;
    for (;;) {
      const next = await this.guard(this.nextQuestion());
      if (next === 'complete') {
        this.done = true;
        this.stats.completedByEvent += 1;
        return;
      }
      const weak = this.rand() < (next.kind === 'bank' ? 0.5 : 0.3);
      const text = weak ? pick(this.rand, WEAK_ANSWERS) : banks.question(next.questionId)!.reference;
      const answer: SentAnswer = { text, kind: next.kind, acked: false };
      this.sent.set(next.turnId, answer);
      this.stats.answersSent += 1;
      const pending = socket.timeout(STEP_TIMEOUT_MS).emitWithAck('answer:submit', { sessionId: this.sessionId!, turnId: next.turnId, text });
      pending.catch(() => undefined);
      hooks.submitted(next.kind);
      const ack = await this.guard(pending);
      expect(ack, `${this.name}: answer to ${next.turnId}`).toEqual({ ok: true, turnId: next.turnId });
      answer.acked = true;
      hooks.acked(next.kind);
    }
  }

  detach(): void {
    this.socket?.disconnect();
  }

  private receive(q: QuestionEvent): void {
    if (this.inbox.some((x) => x.turnId === q.turnId)) return;
    this.inbox.push(q);
    if (!this.sent.has(q.turnId)) this.onAsked?.(q.kind);
    this.notify();
  }

  private notify(): void {
    for (const w of this.wake.splice(0)) w();
  }

  private async nextQuestion(): Promise<QuestionEvent | 'complete'> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const q = this.inbox.find((x) => !this.sent.has(x.turnId));
      if (q) return q;
      if (this.completeSeen) return 'complete';
      if (Date.now() > deadline) throw new Error(`${this.name}: no question and no completion within ${STEP_TIMEOUT_MS} ms (session ${this.sessionId})`);
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  private guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.lost!]);
  }
}

interface Kill {
  point: KillPoint;
  scorer: 'llm' | 'offline';
  /** ms from the moment the clients had resumed */
  afterMs: number;
}

interface LaneResult {
  candidates: Candidate[];
  kills: Kill[];
  stats: Stats;
  databasePath: string;
  server: ServerProcess;
}

const LIMITS_OFF = { ANSWERS_PER_MINUTE: '0', MAX_SESSIONS_PER_IP: '0', MAX_CONNECTIONS_PER_IP: '0', HTTP_RATE_LIMIT_PER_MINUTE: '0' };

/**
 * One server process and its database, killed at each point of `plan` in turn. Interviews run in waves
 * of SESSIONS_PER_WAVE; a new wave starts when all are done and kills remain. The server is restarted
 * only after a kill, with the LLM grader or the offline scorer as the next kill point needs.
 */
async function runLane(lane: number, plan: readonly KillPoint[], rand: Random, fake: FakeOpenAI): Promise<LaneResult> {
  const candidates: Candidate[] = [];
  const kills: Kill[] = [];
  const stats: Stats = { answersSent: 0, resent: 0, resentAlreadyStored: 0, completedByEvent: 0, completedByResume: 0 };
  const llmEnv = { SCORER: 'llm', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-fake', OPENAI_MODEL: 'fake-grader', LLM_TIMEOUT_MS: '10000' };
  const offlineEnv = { SCORER: 'offline', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' };
  let server: ServerProcess | undefined;
  let useLlm = false;
  /** sessions the running process found to recover at its start */
  let recovering = 0;

  try {
    for (let epoch = 0; ; epoch++) {
      const point = plan[kills.length];
      if (candidates.every((c) => c.done)) {
        if (!point) break;
        for (let i = 0; i < SESSIONS_PER_WAVE; i++) candidates.push(new Candidate(`lane${lane}-candidate-${candidates.length + 1}`, rand, stats));
      }
      if (epoch > 100) throw new Error(`lane ${lane}: the crash plan is not making progress`);
      if (!server?.running) {
        useLlm = point ? NEEDS_LLM.has(point) || rand() < 0.6 : rand() < 0.5;
        const env = { ...LIMITS_OFF, ...(useLlm ? llmEnv : offlineEnv) };
        recovering = server ? recoveryWork(server.databasePath) : 0;
        server = server ? await server.restart(env) : await startServerProcess({ env });
      }
      const current = server;

      const active = candidates.filter((c) => !c.done);
      for (const c of active) c.onAsked = undefined;
      await Promise.all(active.map((c) => c.attach(current.url)));
      const armedAt = Date.now();

      // the kill fires on the n-th matching event from here on
      let skip = randInt(rand, 0, 2);
      let fired = false;
      const on = (matches: boolean, delayMs: () => number) => {
        if (!point || fired || !matches || skip-- > 0) return;
        fired = true;
        kills.push({ point, scorer: useLlm ? 'llm' : 'offline', afterMs: Date.now() - armedAt });
        const ms = delayMs();
        if (ms <= 0) void current.kill('SIGKILL');
        else setTimeout(() => void current.kill('SIGKILL'), ms);
      };
      const hooks: Hooks = {
        submitted: (kind) => {
          // 0 ms: the frame may not even be read; a few ms: it may be committed (the WAL fsync) but not yet acknowledged
          on(point === 'submit-before-ack', () => (rand() < 0.4 ? 0 : randInt(rand, 1, 6)));
          on(point === 'follow-up-answered' && kind === 'follow-up', () => 0);
        },
        acked: () => {
          on(point === 'submit-after-ack', () => randInt(rand, 0, 8));
          on(point === 'scoring' && !useLlm, () => randInt(rand, 0, 3));
        },
        asked: (kind) => on(point === 'follow-up-asked' && kind === 'follow-up', () => randInt(rand, 0, 5)),
      };
      for (const c of active) c.onAsked = hooks.asked;
      let seen = fake.requests.length;
      const watchModel = setInterval(() => {
        for (; seen < fake.requests.length; seen++) {
          const call = llmCallOf(fake.requests[seen]!.body);
          // a grader request waits delayMs, then streams for a few dozen ms
          on(point === 'scoring' && useLlm && call === 'grader', () => randInt(rand, 0, fake.delayMs + 60));
          on(point === 'follow-up-writing' && call === 'follow-up', () => randInt(rand, 0, fake.delayMs));
          on(point === 'report-writing' && call === 'report', () => randInt(rand, 0, fake.delayMs));
        }
      }, 2);

      const outcomes = await Promise.allSettled(active.map((c) => c.drive(hooks)));
      clearInterval(watchModel);
      for (const c of active) c.detach();
      for (const o of outcomes) {
        if (o.status === 'rejected' && !(o.reason instanceof Disconnected)) throw o.reason;
      }
      if (fired) {
        expect((await current.waitForExit()).signal).toBe('SIGKILL');
      } else {
        // nothing fired: every interview of this wave ran to the end and no connection dropped
        expect(current.running, `lane ${lane}: the server exited on its own\n${current.stderr.slice(-3000)}`).toBe(true);
        expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
      }
    }
    if (!server) throw new Error(`lane ${lane}: no server was started`);
    // let start-up recovery finish (it logs how many sessions it recovered), so the checks below see
    // its work and the final SIGTERM finds nothing half done
    if (recovering > 0) await server.waitForLog((line) => typeof line.sessions === 'number', STEP_TIMEOUT_MS);
    // a graceful stop at the end: SIGTERM drains and exits cleanly
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    return { candidates, kills, stats, databasePath: server.databasePath, server };
  } catch (err) {
    await server?.remove();
    throw err;
  }
}

/** How many sessions a server starting on this database will recover: unscored answers, unwritten reports. */
function recoveryWork(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    const unscored = db.prepare("SELECT count(DISTINCT session_id) AS n FROM turns WHERE status = 'answered'").get() as { n: number };
    const unreported = db
      .prepare("SELECT count(*) AS n FROM sessions s LEFT JOIN reports r ON r.session_id = s.id WHERE s.status = 'complete' AND r.session_id IS NULL")
      .get() as { n: number };
    return unscored.n + unreported.n;
  } finally {
    db.close();
  }
}

/** Reads the lane's database and checks every interview against what its client sent and was told. */
function verifyLane(result: LaneResult): { followUps: number; scorers: Record<string, number> } {
  const db = new Database(result.databasePath, { readonly: true });
  let followUps = 0;
  try {
    const byScorer = db.prepare('SELECT scorer, count(*) AS n FROM assessments GROUP BY scorer').all() as Array<{ scorer: string; n: number }>;
    const scorers = Object.fromEntries(byScorer.map((r) => [r.scorer, r.n]));
    for (const c of result.candidates) {
      expect(c.done, `${c.name} completed`).toBe(true);
      const session = db.prepare('SELECT status FROM sessions WHERE id = ?').get(c.sessionId) as { status: string } | undefined;
      expect(session?.status, `${c.name} (${c.sessionId}) status`).toBe('complete');

      const messages = db.prepare('SELECT seq, role, turn_id, text FROM messages WHERE session_id = ? ORDER BY seq').all(c.sessionId) as Array<{
        seq: number;
        role: string;
        turn_id: string;
        text: string;
      }>;
      // the transcript is whole: contiguous, question then answer, turn by turn
      expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
      expect(messages.map((m) => m.role)).toEqual(messages.map((_, i) => (i % 2 ? 'candidate' : 'interviewer')));
      const answers = messages.filter((m) => m.role === 'candidate');
      for (const [turnId, sent] of c.sent) {
        expect(sent.acked, `${c.name}: answer to ${turnId} acknowledged in the end`).toBe(true);
        const stored = answers.filter((m) => m.turn_id === turnId);
        expect(stored.map((m) => m.text), `${c.name}: answer to ${turnId} stored exactly once`).toEqual([sent.text]);
      }
      // and nothing the client did not send
      expect(answers.map((m) => m.turn_id).sort()).toEqual([...c.sent.keys()].sort());

      const turns = db.prepare('SELECT id, kind, status FROM turns WHERE session_id = ? ORDER BY seq').all(c.sessionId) as Array<{
        id: string;
        kind: string;
        status: string;
      }>;
      followUps += turns.filter((t) => t.kind === 'follow-up').length;
      expect(turns.filter((t) => t.status !== 'scored').map((t) => t.id), `${c.name}: every turn answered and scored`).toEqual([]);
      const assessed = db.prepare('SELECT turn_id, count(*) AS n FROM assessments WHERE session_id = ? GROUP BY turn_id').all(c.sessionId) as Array<{
        turn_id: string;
        n: number;
      }>;
      expect(assessed.every((a) => a.n === 1)).toBe(true);
      expect(assessed.map((a) => a.turn_id).sort(), `${c.name}: one assessment per answered turn`).toEqual(turns.map((t) => t.id).sort());
      const report = db.prepare('SELECT count(*) AS n FROM reports WHERE session_id = ?').get(c.sessionId) as { n: number };
      expect(report.n, `${c.name}: the final report is stored`).toBe(1);
    }
    return { followUps, scorers };
  } finally {
    db.close();
  }
}

/** Two lanes run side by side: a restart is mostly the child compiling its modules, so the other lane's clients get the time. */
const LANES = 2;

const fakes: FakeOpenAI[] = [];
beforeAll(async () => {
  for (let i = 0; i < LANES; i++) {
    const fake = await startFakeOpenAI();
    fake.reply(modelReplies);
    fake.chunkSize = 8;
    fake.chunkDelayMs = 1;
    fake.delayMs = 50 + ((SEED + i * 37) % 101);
    fakes.push(fake);
  }
});
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
});

describe('crash recovery of the real server process', () => {
  it(`SIGKILLed at ${KILL_PLAN.length} random points, restarted on the same database, loses no acknowledged answer and completes every interview`, async () => {
    console.log(`crash-recovery seed ${SEED}; reproduce the plan with CRASH_SEED=${SEED}`);
    const began = Date.now();
    const plan = shuffle(seededRandom(SEED), KILL_PLAN);
    const share = Math.ceil(plan.length / LANES);
    const settled = await Promise.allSettled(
      fakes.map((fake, lane) => runLane(lane + 1, plan.slice(lane * share, (lane + 1) * share), seededRandom(SEED + 7919 * (lane + 1)), fake)),
    );
    const lanes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      for (const s of settled) if (s.status === 'rejected') throw s.reason;

      let followUps = 0;
      const scorers: Record<string, number> = {};
      for (const lane of lanes) {
        const verdict = verifyLane(lane);
        followUps += verdict.followUps;
        for (const [k, n] of Object.entries(verdict.scorers)) scorers[k] = (scorers[k] ?? 0) + n;
      }
      const kills = lanes.flatMap((l) => l.kills);
      expect(kills.length).toBeGreaterThanOrEqual(20);
      expect(followUps, 'follow-ups were asked, so kills around them happened').toBeGreaterThan(0);
      // both scorers really graded: the LLM runs went through the fake endpoint, the offline runs did not
      expect(scorers.llm, 'answers graded by the LLM').toBeGreaterThan(0);
      expect(scorers.offline, 'answers graded offline').toBeGreaterThan(0);

      const total = (key: keyof Stats) => lanes.reduce((n, l) => n + l.stats[key], 0);
      const byPoint = Object.fromEntries(KILL_POINTS.map((p) => [p, kills.filter((k) => k.point === p).length]));
      console.log(
        `crash-recovery seed ${SEED}: ${kills.length} kills ${JSON.stringify(byPoint)}, ` +
          `${kills.filter((k) => k.scorer === 'llm').length} with the LLM grader; ${lanes.reduce((n, l) => n + l.candidates.length, 0)} interviews, ` +
          `${total('answersSent')} answers (graded ${JSON.stringify(scorers)}), ${followUps} follow-ups, ${total('resent')} re-sent (${total('resentAlreadyStored')} already stored), ` +
          `completed by event ${total('completedByEvent')} / by resume ${total('completedByResume')}; ${((Date.now() - began) / 1000).toFixed(1)} s`,
      );
    } finally {
      await Promise.all(lanes.map((l) => l.server.remove()));
    }
  }, 150_000);
});

import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { configFor } from '../../server/config.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { createStore, type Store } from '../../server/store/store.js';
import type { UnitOutcome, WriteUnit } from '../../server/store/write-units.js';
import { createOfflineScorer } from '../../server/scoring/offline-scorer.js';
import { ReportService } from '../../server/reports/report-service.js';
import { InterviewService } from '../../server/interview/interview-service.js';
import type { InterviewEvents } from '../../server/interview/interview-events.js';
import { silentLogger } from '../../server/logger.js';
import type { Scorer } from '../../server/scoring/scorer.js';
import type { FollowUpWriter } from '../../server/interview/follow-up.js';
import { tempStores } from '../support/temp-stores.js';

/**
 * The interview service over a real store whose disk is slow or fails: durable replies held back
 * (a slow fsync), one fsync failing after its commit, a completion that takes a while. These are the
 * windows in which an answer could be acknowledged and then forgotten.
 */
const banks = loadBanks('data/banks');
const DOCKER = banks.question('docker')!.reference;

const temp = tempStores('mock-interviewer-slow-');
const freshStore = (): Store => temp.open();

/**
 * The real store with durable replies held back `syncMs` after the commit; `failFirstAnswerSync` makes
 * one fail after committing; an assessment's write waits for `scoredAfter`.
 */
function slowDisk(
  store: Store,
  syncMs: number,
  options: { failFirstAnswerSync?: boolean; completeMs?: number; written?: string[]; scoredAfter?: Promise<unknown> } = {},
): Store {
  let failed = false;
  const writeAll = async (units: WriteUnit[], opts: { durable?: boolean } = {}): Promise<UnitOutcome[]> => {
    options.written?.push(units.map((u) => (u.kind === 'scored' && u.ask ? 'scored+ask' : u.kind)).join(','));
    if (options.scoredAfter && units.some((u) => u.kind === 'scored')) await options.scoredAfter;
    const out = await store.writeAll(units, opts);
    if (units.some((u) => u.kind === 'complete') && options.completeMs) await new Promise((r) => setTimeout(r, options.completeMs));
    if (opts.durable) {
      await new Promise((r) => setTimeout(r, syncMs));
      if (options.failFirstAnswerSync && !failed && units.some((u) => u.kind === 'answer')) {
        failed = true;
        throw new Error('store write failed: fsync failed: EIO');
      }
    }
    return out;
  };
  return Object.assign(Object.create(null) as Store, store, {
    writeAll,
    async write(unit: WriteUnit, opts?: { durable?: boolean }) {
      const [outcome] = await writeAll([unit], opts);
      if (!outcome!.ok) throw new Error(outcome!.message);
      return outcome!.value;
    },
  });
}

function serviceOver(store: Store, overrides: Record<string, string | number> = {}, scorer: Scorer = createOfflineScorer(), followUps?: FollowUpWriter) {
  const events: string[] = [];
  const sink: InterviewEvents = {
    question: (_s, p) => events.push(`question ${p.turnId}`),
    delta: (_s, p) => events.push(`delta ${p.turnId} ${p.text}`),
    result: (_s, p) => events.push(`result ${p.turnId}`),
    complete: (_s, p) => events.push(`complete ${p.overall}`),
  };
  const config = configFor({ DATABASE_PATH: 'unused', LOG_LEVEL: 'silent', ...overrides });
  const reports = new ReportService(store, banks, silentLogger);
  const service = new InterviewService({ config, store, banks, scorer, logger: silentLogger, reports, events: sink, followUps });
  return { service, events };
}

const settle = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, message: err instanceof Error ? err.message : String(err) }),
  );

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a slow or failing disk', () => {
  it('an answer acknowledged while finish and a retry raced its fsync is scored and counted', async () => {
    const real = freshStore();
    const { service, events } = serviceOver(slowDisk(real, 40));
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    const answer = settle(service.submitAnswer(result.sessionId, first.turnId, DOCKER));
    await new Promise((r) => setTimeout(r, 10)); // committed, its fsync not done
    const retry = settle(service.submitAnswer(result.sessionId, first.turnId, DOCKER));
    const finished = settle(service.finish(result.sessionId));
    expect(await answer).toMatchObject({ ok: true });
    // the retry reaches the store after finish began: refused as finished, or acknowledged as a repeat
    const retried = await retry;
    if (!retried.ok) expect(retried.message).toMatch(/has finished/);
    expect(await finished).toMatchObject({ ok: true });
    await until(() => events.some((e) => e.startsWith('complete')));
    expect(real.transcript.turn(first.turnId)?.status).toBe('scored');
    const assessment = real.assessments.forSession(result.sessionId).get(first.turnId);
    expect(assessment).toBeDefined();
    expect(real.sessions.get(result.sessionId)).toMatchObject({ status: 'complete', overall: assessment!.overall });
    expect(real.reports.get(result.sessionId)?.questions[0]?.score).toBe(assessment!.overall);
    expect(real.transcript.transcript(result.sessionId).filter((m) => m.role === 'candidate')).toHaveLength(1);
  });

  it('an answer whose fsync failed after its commit is scored once the client retries it', async () => {
    const real = freshStore();
    const { service, events } = serviceOver(slowDisk(real, 5, { failFirstAnswerSync: true }));
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    expect(await settle(service.submitAnswer(result.sessionId, first.turnId, DOCKER))).toMatchObject({ ok: false, message: expect.stringContaining('EIO') });
    expect(await settle(service.submitAnswer(result.sessionId, first.turnId, DOCKER))).toMatchObject({ ok: true, value: { turnId: first.turnId } });
    // no resume: the retry itself sets the stored answer scoring
    await until(() => events.includes(`result ${first.turnId}`));
    // the result is shown as its assessment is being stored
    await until(() => real.transcript.turn(first.turnId)?.status === 'scored');
    expect(await settle(service.submitAnswer(result.sessionId, first.turnId, 'something else'))).toMatchObject({ ok: false, message: expect.stringContaining('already been answered') });
  });

  it('the final report is the completed one even if the session was dropped from memory while completing', async () => {
    const real = freshStore();
    const { service } = serviceOver(slowDisk(real, 0, { completeMs: 30 }));
    // one session held in memory stands in for 20,000
    (service as unknown as { states: { limit: number } }).states.limit = 1;
    const a = await service.start({ questionIds: ['docker'], followUps: 0 });
    const finished = service.finish(a.result.sessionId);
    await new Promise((r) => setTimeout(r, 10));
    await service.start({ questionIds: ['docker'], followUps: 0 }); // evicts a's state mid-completion
    await finished;
    expect(real.sessions.get(a.result.sessionId)?.status).toBe('complete');
    expect(real.reports.get(a.result.sessionId)).toMatchObject({ status: 'complete', completedAt: expect.any(String) });
  });

  it('starts racing each other cannot pass MAX_SESSIONS_PER_IP while the first are still being stored', async () => {
    const real = freshStore();
    const { service } = serviceOver(slowDisk(real, 20), { MAX_SESSIONS_PER_IP: 10 });
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => settle(service.start({ questionCount: 1 }, { clientIp: '203.0.113.9' }))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(10);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && /Too many unfinished/.test(o.message))).toBe(true);
    expect(real.sessions.countActiveByIp('203.0.113.9', '1970-01-01')).toBe(10);
  });
});

describe('the database reached through a symbolic link', () => {
  it('durable writes sync the WAL beside the real file', async () => {
    const dir = temp.dir();
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'link'));
    await createStore(join(dir, 'real', 'db.sqlite')).close();
    symlinkSync(join(dir, 'real', 'db.sqlite'), join(dir, 'link', 'db.sqlite'));
    const store = temp.open(join(dir, 'link', 'db.sqlite'));
    const id = randomUUID();
    const at = new Date().toISOString();
    await store.write(
      {
        kind: 'start',
        session: { id, tokenHash: 'x'.repeat(64), candidate: null, bankId: 'senior-backend', mode: 'practice', level: 'mixed', topics: [], followUps: 0, questionIds: ['docker'], clientIp: null, createdAt: at, retryOf: null, questions: null },
        turn: { id: randomUUID(), sessionId: id, questionIndex: 1, questionId: 'docker', kind: 'bank', parentTurnId: null, pointId: null, text: 'q', askedAt: at },
      },
      { durable: true },
    );
    expect(store.sessions.get(id)?.id).toBe(id);
    expect(readdirSync(join(dir, 'real'))).toContain('db.sqlite-wal');
  });
});

/** The offline scorer, streaming two pieces of narrative the moment it is asked, the way a model's reply might arrive. */
function streamingScorer(calls: string[]): Scorer {
  const offline = createOfflineScorer();
  return {
    kind: 'llm',
    score(input, options) {
      calls.push(input.answer);
      options?.onDelta?.('Good ');
      options?.onDelta?.('start.');
      return offline.score(input);
    },
  };
}

describe('scoring that begins while the answer is being synced', () => {
  it('streams nothing before the acknowledgement, scores once, and asks the next question in the same write as the assessment', async () => {
    const real = freshStore();
    const calls: string[] = [];
    const written: string[] = [];
    const { service, events } = serviceOver(slowDisk(real, 40, { written }), {}, streamingScorer(calls));
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    const acked = service.submitAnswer(result.sessionId, first.turnId, DOCKER).then(() => events.push('ack'));
    await new Promise((r) => setTimeout(r, 20));
    // committed, not yet synced: scoring has begun, and none of it has been shown
    expect(calls).toEqual([DOCKER]);
    expect(events).toEqual([]);
    await acked;
    await until(() => events.some((e) => e.startsWith('question')));
    const second = real.transcript.turns(result.sessionId)[1]!;
    expect(events).toEqual(['ack', `delta ${first.turnId} Good `, `delta ${first.turnId} start.`, `result ${first.turnId}`, `question ${second.id}`]);
    expect(calls).toHaveLength(1);
    expect(written).toEqual(['start', 'answer', 'scored+ask']);
    expect(second).toMatchObject({ seq: 2, questionId: 'cap-theorem', status: 'asked' });
    expect(real.assessments.forSession(result.sessionId).has(first.turnId)).toBe(true);
  });

  it('never streams the narrative of an answer that was not acknowledged', async () => {
    const real = freshStore();
    const calls: string[] = [];
    const { service, events } = serviceOver(slowDisk(real, 5, { failFirstAnswerSync: true }), {}, streamingScorer(calls));
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    expect(await settle(service.submitAnswer(result.sessionId, first.turnId, DOCKER))).toMatchObject({ ok: false, message: expect.stringContaining('fsync failed') });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toEqual([DOCKER]);
    expect(events).toEqual([]);
    // the client's retry is acknowledged, and the answer scored and streamed once
    expect(await settle(service.submitAnswer(result.sessionId, first.turnId, DOCKER))).toMatchObject({ ok: true });
    await until(() => events.some((e) => e.startsWith('question')));
    expect(events.filter((e) => e.startsWith('delta'))).toEqual([`delta ${first.turnId} Good `, `delta ${first.turnId} start.`]);
    expect(events.filter((e) => e.startsWith('result'))).toEqual([`result ${first.turnId}`]);
  });

  it('shows the result while its assessment is being stored, and asks the next question only once it is stored', async () => {
    const real = freshStore();
    let release!: () => void;
    const scoredAfter = new Promise<void>((resolve) => (release = resolve));
    const { service, events } = serviceOver(slowDisk(real, 0, { scoredAfter }));
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    await service.submitAnswer(result.sessionId, first.turnId, DOCKER);
    await until(() => events.includes(`result ${first.turnId}`));
    await new Promise((r) => setTimeout(r, 30));
    // the answer it scores is on disk; the assessment and the next question are not yet
    expect(real.transcript.turn(first.turnId)?.status).toBe('answered');
    expect(real.transcript.turns(result.sessionId)).toHaveLength(1);
    expect(events).toEqual([`result ${first.turnId}`]);
    // the turn still waits for its score: a resume now waits for the write instead of scoring again
    const resumed = service.resume(result.sessionId, result.token);
    release();
    expect((await resumed).pending).toMatchObject({ index: 2, questionId: 'cap-theorem' });
    await until(() => events.some((e) => e.startsWith('question')));
    const second = real.transcript.turns(result.sessionId)[1]!;
    expect(events).toEqual([`result ${first.turnId}`, `question ${second.id}`]);
    expect(real.transcript.turn(first.turnId)?.status).toBe('scored');
    expect(real.assessments.forSession(result.sessionId).size).toBe(1);
  });

  it("keeps the narrative when a resume's step takes the score while the answer is still being synced", async () => {
    const real = freshStore();
    const calls: string[] = [];
    const { service, events } = serviceOver(slowDisk(real, 60), {}, streamingScorer(calls));
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    const acked = service.submitAnswer(result.sessionId, first.turnId, DOCKER).then(() => events.push('ack'));
    await new Promise((r) => setTimeout(r, 20)); // committed, its fsync not done
    // the session's state dropped meanwhile (what the cache does under load), then the candidate reconnects
    (service as unknown as { states: { forget(id: string): void } }).states.forget(result.sessionId);
    await service.resume(result.sessionId, result.token);
    await acked;
    await until(() => events.some((e) => e.startsWith('question')));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('delta'))).toEqual([`delta ${first.turnId} Good `, `delta ${first.turnId} start.`]);
    expect(events.filter((e) => e.startsWith('result'))).toEqual([`result ${first.turnId}`]);
    expect((service as unknown as { early: Map<string, unknown> }).early.size).toBe(0);
  });

  it('a model-written follow-up is asked after the result, in a write of its own', async () => {
    const real = freshStore();
    const written: string[] = [];
    const followUps: FollowUpWriter = { write: async () => 'A scenario the model wrote?' };
    const { service, events } = serviceOver(slowDisk(real, 1, { written }), {}, createOfflineScorer(), followUps);
    const { result, first } = await service.start({ questionIds: ['docker', 'cap-theorem'], followUps: 1 });
    await service.submitAnswer(result.sessionId, first.turnId, 'Not sure really, I would just use whatever the team knows.');
    await until(() => events.some((e) => e.startsWith('question')));
    const followUp = real.transcript.turns(result.sessionId)[1]!;
    expect(followUp).toMatchObject({ kind: 'follow-up', text: 'A scenario the model wrote?' });
    expect(events).toEqual([`result ${first.turnId}`, `question ${followUp.id}`]);
    expect(written).toEqual(['start', 'answer', 'scored', 'ask']);
  });
});

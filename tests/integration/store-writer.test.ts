import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { createStore, type Store, type StoreOptions } from '../../server/store/store.js';
import { GroupCommit } from '../../server/store/group-commit.js';
import { FileSync } from '../../server/store/file-sync.js';
import { WalCheckpointer } from '../../server/store/wal-checkpointer.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { NewSession, NewTurn, UnitOutcome, WriteUnit } from '../../server/store/write-units.js';
import { scoreOffline } from '../../server/scoring/offline-scorer.js';
import type { Assessment } from '../../server/scoring/assessment.js';
import { tempStores } from '../support/temp-stores.js';
import { MIGRATIONS } from '../../server/store/migrations.js';
import { freezeQuestion } from '../../server/store/frozen-questions.js';

/**
 * The store's writes through the writer thread, on real SQLite files: what a write resolves with,
 * what it leaves on disk (seen through the store's own repositories and through an independent
 * connection), how units of one batch fail alone, group commit, closing, and the WAL sync.
 */

const banks = loadBanks('data/banks');
const docker = banks.question('docker')!;
const cap = banks.question('cap-theorem')!;
const T0 = '2024-05-01T10:00:00.000Z';
const T1 = '2024-05-01T10:01:00.000Z';
const T2 = '2024-05-01T10:02:00.000Z';

const temp = tempStores('store-writer-');
const tempDbPath = (): string => temp.path();
const openStore = (path?: string, options?: StoreOptions): Store => temp.open(path, options);

function newSession(id: string, withQuestions = true): NewSession {
  return {
    id,
    tokenHash: `hash-of-${id}`,
    candidate: 'Ada',
    bankId: 'senior-backend',
    mode: 'practice',
    level: 'mixed',
    topics: ['devops'],
    followUps: 1,
    questionIds: ['docker', 'cap-theorem'],
    clientIp: '10.0.0.7',
    createdAt: T0,
    retryOf: null,
    questions: withQuestions ? [docker, cap].map(freezeQuestion) : null,
  };
}

function bankTurn(sessionId: string, id: string, questionIndex = 1): NewTurn {
  const q = questionIndex === 1 ? docker : cap;
  return { id, sessionId, questionIndex, questionId: q.id, kind: 'bank', parentTurnId: null, pointId: null, text: q.question, askedAt: T0 };
}

function startUnit(sessionId: string, turnId: string, withQuestions = true): WriteUnit {
  return { kind: 'start', session: newSession(sessionId, withQuestions), turn: bankTurn(sessionId, turnId) };
}

function assessmentOf(answer: string): Assessment {
  return scoreOffline({ question: docker.question, reference: docker.reference, tip: docker.tip, keyPoints: docker.keyPoints, answer });
}

function count(db: Database.Database, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

describe('store.write through the writer thread', () => {
  it('a durable start is visible through the store and through an independent connection once it resolves', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const result = await store.write(startUnit('s-1', 't-1'), { durable: true });
    expect(result).toBeUndefined();

    const session = store.sessions.get('s-1');
    expect(session).toMatchObject({
      id: 's-1',
      tokenHash: 'hash-of-s-1',
      candidate: 'Ada',
      bankId: 'senior-backend',
      mode: 'practice',
      topics: ['devops'],
      followUps: 1,
      questionIds: ['docker', 'cap-theorem'],
      status: 'active',
      overall: null,
      completedAt: null,
      clientIp: '10.0.0.7',
      createdAt: T0,
      retryOf: null,
    });
    expect(session!.questions!.map((q) => q.id)).toEqual(['docker', 'cap-theorem']);
    expect(session!.questions![0]!.reference).toBe(docker.reference);
    const turns = store.transcript.turns('s-1');
    expect(turns).toEqual([
      {
        id: 't-1',
        sessionId: 's-1',
        seq: 1,
        questionIndex: 1,
        questionId: 'docker',
        kind: 'bank',
        parentTurnId: null,
        pointId: null,
        text: docker.question,
        askedAt: T0,
        answer: null,
        answeredAt: null,
        status: 'asked',
      },
    ]);
    expect(store.transcript.transcript('s-1')).toEqual([
      { seq: 1, role: 'interviewer', turnId: 't-1', kind: 'bank', index: 1, text: docker.question, at: T0 },
    ]);

    const other = new Database(path, { readonly: true });
    try {
      expect(other.prepare('SELECT id, status, token_hash, question_ids FROM sessions').all()).toEqual([
        { id: 's-1', status: 'active', token_hash: 'hash-of-s-1', question_ids: '["docker","cap-theorem"]' },
      ]);
      expect(other.prepare('SELECT id, session_id, seq, status, text FROM turns').all()).toEqual([
        { id: 't-1', session_id: 's-1', seq: 1, status: 'asked', text: docker.question },
      ]);
      expect(other.prepare('SELECT seq, role, turn_id FROM messages').all()).toEqual([{ seq: 1, role: 'interviewer', turn_id: 't-1' }]);
    } finally {
      other.close();
    }
  });

  it('a session stored with questions: null keeps its questionIds and reads back questions as null', async () => {
    const store = openStore();
    await store.write(startUnit('s-null', 't-null', false), { durable: true });
    const session = store.sessions.get('s-null')!;
    expect(session.questions).toBeNull();
    expect(session.questionIds).toEqual(['docker', 'cap-theorem']);
  });

  it('a failing write rejects with the unit error and leaves nothing behind', async () => {
    const store = openStore();
    await store.write(startUnit('s-1', 't-1'), { durable: true });
    await expect(store.write({ kind: 'ask', turn: bankTurn('no-such-session', 't-x', 2) })).rejects.toThrow(/store write failed: .*FOREIGN KEY/);
    expect(store.transcript.turn('t-x')).toBeUndefined();
  });
});

describe('store.writeAll: units of one batch fail alone', () => {
  it('gives {ok:false} for the failing units only and commits the others', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    await store.write(startUnit('s-1', 't-1'), { durable: true });

    const outcomes = await store.writeAll(
      [
        startUnit('s-2', 't-2'),
        // foreign key: the session does not exist
        { kind: 'ask', turn: bankTurn('ghost', 't-ghost', 2) },
        { kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'containers and images', answeredAt: T1 },
        // duplicate turn id: the session row this unit inserts first must be rolled back with it
        startUnit('s-3', 't-1'),
        { kind: 'ask', turn: bankTurn('s-2', 't-2b', 2) },
      ],
      { durable: true },
    );

    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, false, true]);
    expect(outcomes[0]).toEqual({ ok: true, value: undefined });
    expect(outcomes[1]).toMatchObject({ ok: false, message: expect.stringMatching(/FOREIGN KEY constraint failed/) });
    expect(outcomes[2]).toEqual({ ok: true, value: true });
    expect(outcomes[3]).toMatchObject({ ok: false, message: expect.stringMatching(/UNIQUE constraint failed: turns\.id/) });
    expect(outcomes[4]).toEqual({ ok: true, value: undefined });

    // the failing units left no partial rows
    expect(store.sessions.get('s-3')).toBeUndefined();
    expect(store.transcript.turn('t-ghost')).toBeUndefined();
    // the turn whose id was reused is untouched: still s-1's, now answered
    expect(store.transcript.turn('t-1')).toMatchObject({ sessionId: 's-1', status: 'answered', answer: 'containers and images' });
    expect(store.transcript.turns('s-2').map((t) => [t.id, t.seq])).toEqual([
      ['t-2', 1],
      ['t-2b', 2],
    ]);

    const other = new Database(path, { readonly: true });
    try {
      expect(other.prepare('SELECT id FROM sessions ORDER BY id').all()).toEqual([{ id: 's-1' }, { id: 's-2' }]);
      expect(count(other, 'SELECT count(*) AS n FROM turns')).toBe(3);
      expect(count(other, `SELECT count(*) AS n FROM messages WHERE session_id = 's-3' OR session_id = 'ghost'`)).toBe(0);
      expect(other.prepare(`SELECT role, text FROM messages WHERE session_id = 's-1' ORDER BY seq`).all()).toEqual([
        { role: 'interviewer', text: docker.question },
        { role: 'candidate', text: 'containers and images' },
      ]);
    } finally {
      other.close();
    }
  });

  it('several writeAll calls in flight at once each get their own outcomes', async () => {
    const store = openStore();
    const calls = Array.from({ length: 12 }, (_, i) =>
      store.writeAll(i % 3 === 2 ? [startUnit(`s-${i}`, `t-${i}`), startUnit(`s-${i}-dup`, `t-${i}`)] : [startUnit(`s-${i}`, `t-${i}`)], {
        durable: i % 2 === 0,
      }),
    );
    const results = await Promise.all(calls);
    results.forEach((outcomes, i) => {
      if (i % 3 === 2) expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
      else expect(outcomes.map((o) => o.ok)).toEqual([true]);
    });
    expect(store.sessions.list(100).map((s) => s.id).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `s-${i}`).sort());
  });
});

describe.each([
  ['a file (writer thread)', false],
  [':memory: (in-thread)', true],
] as const)('conditional units on %s', (_name, memory) => {
  it('answer, scored and complete report whether they changed anything', async () => {
    const store = openStore(memory ? ':memory:' : tempDbPath());
    await store.write(startUnit('s-1', 't-1'), { durable: true });

    // 'scored' on a turn that was never answered: refused, and no assessment is saved
    const early = await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-1', assessment: assessmentOf('x'), scoredAt: T1 });
    expect(early).toBe(false);
    expect(store.assessments.forSession('s-1').size).toBe(0);
    expect(store.transcript.turn('t-1')!.status).toBe('asked');

    // named with another session's id: refused, and no message is written under either
    expect(await store.write({ kind: 'answer', sessionId: 's-x', turnId: 't-1', text: 'stray', answeredAt: T1 }, { durable: true })).toBe(false);
    expect(store.transcript.turn('t-1')!.status).toBe('asked');
    const first = await store.write({ kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'first answer', answeredAt: T1 }, { durable: true });
    expect(first).toBe(true);
    const again = await store.write({ kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'second answer', answeredAt: T2 }, { durable: true });
    expect(again).toBe(false);
    expect(store.transcript.turn('t-1')).toMatchObject({ status: 'answered', answer: 'first answer', answeredAt: T1 });
    expect(store.transcript.transcript('s-1').filter((m) => m.role === 'candidate').map((m) => m.text)).toEqual(['first answer']);
    await store.write({ kind: 'ask', turn: bankTurn('s-1', 't-2', 2) });

    const assessment = assessmentOf('first answer');
    // named with another session's id: refused, and nothing is saved under either
    await store.write(startUnit('s-2', 't-s-2'), { durable: true });
    expect(await store.write({ kind: 'scored', sessionId: 's-2', turnId: 't-1', assessment, scoredAt: T2 })).toBe(false);
    expect(store.assessments.forSession('s-2').size).toBe(0);
    expect(store.transcript.turn('t-1')!.status).toBe('answered');
    expect(await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-1', assessment, scoredAt: T2 })).toBe(true);
    // scoring the same turn twice: the turn is 'scored' now, no longer 'answered'
    expect(await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-1', assessment: assessmentOf('other'), scoredAt: T2 })).toBe(false);
    const saved = store.assessments.forSession('s-1');
    expect([...saved.keys()]).toEqual(['t-1']);
    expect(saved.get('t-1')).toEqual(assessment);
    expect(store.transcript.turn('t-1')!.status).toBe('scored');
    // 't-2' is 'asked': scoring it is refused too
    expect(await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-2', assessment, scoredAt: T2 })).toBe(false);
    expect(store.assessments.forSession('s-1').has('t-2')).toBe(false);

    expect(await store.write({ kind: 'complete', sessionId: 's-1', overall: 71, completedAt: T2 })).toBe(true);
    expect(await store.write({ kind: 'complete', sessionId: 's-1', overall: 12, completedAt: T1 })).toBe(false);
    expect(store.sessions.get('s-1')).toMatchObject({ status: 'complete', overall: 71, completedAt: T2 });
  });
  it("a 'scored' unit asks its next question only if the answer was still waiting for its score", async () => {
    const store = openStore(memory ? ':memory:' : tempDbPath());
    await store.write(startUnit('s-1', 't-1'), { durable: true });
    const next = bankTurn('s-1', 't-2', 2);
    // not answered yet: neither the assessment nor the next question is written
    expect(await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-1', assessment: assessmentOf('x'), scoredAt: T1, ask: next })).toBe(false);
    expect(store.transcript.turn('t-2')).toBeUndefined();

    await store.write({ kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'an answer', answeredAt: T1 }, { durable: true });
    expect(await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-1', assessment: assessmentOf('an answer'), scoredAt: T2, ask: next })).toBe(true);
    expect(store.transcript.turns('s-1').map((t) => [t.id, t.seq, t.status])).toEqual([
      ['t-1', 1, 'scored'],
      ['t-2', 2, 'asked'],
    ]);
    expect(store.transcript.transcript('s-1').map((m) => m.role)).toEqual(['interviewer', 'candidate', 'interviewer']);
    // scored twice: refused, and the question is not asked twice
    expect(await store.write({ kind: 'scored', sessionId: 's-1', turnId: 't-1', assessment: assessmentOf('x'), scoredAt: T2, ask: { ...next, id: 't-3' } })).toBe(false);
    expect(store.transcript.turns('s-1')).toHaveLength(2);
  });
  it("only a session's last turn takes an answer, so the transcript numbers each answer right after its question", async () => {
    const store = openStore(memory ? ':memory:' : tempDbPath());
    await store.write(startUnit('s-1', 't-1'), { durable: true });
    await store.write({ kind: 'ask', turn: bankTurn('s-1', 't-2', 2) });
    expect(await store.write({ kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'too late', answeredAt: T1 }, { durable: true })).toBe(false);
    expect(await store.write({ kind: 'answer', sessionId: 's-1', turnId: 't-2', text: 'an answer', answeredAt: T2 }, { durable: true })).toBe(true);
    expect(store.transcript.transcript('s-1').map((m) => [m.seq, m.role, m.turnId])).toEqual([
      [1, 'interviewer', 't-1'],
      [3, 'interviewer', 't-2'],
      [4, 'candidate', 't-2'],
    ]);
  });
});

describe('GroupCommit', () => {
  it('withdraws only the write whose prepare throws; the others resolve with their results and are stored', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    await store.write(startUnit('s-1', 't-1'), { durable: true });
    await store.write(startUnit('s-3', 't-3'), { durable: true });

    const group = new GroupCommit(store);
    const prepared: string[] = [];
    const withdrawn = new Error('the interview has finished');
    const a = group.run(() => (prepared.push('a'), { kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'answer one', answeredAt: T1 } as const));
    const b = group.run(() => {
      prepared.push('b');
      throw withdrawn;
    });
    const c = group.run(() => (prepared.push('c'), { kind: 'answer', sessionId: 's-3', turnId: 't-3', text: 'answer three', answeredAt: T1 } as const));
    // prepare runs when the batch goes out, not when the write is asked for
    expect(prepared).toEqual([]);

    const [ra, rb, rc] = await Promise.allSettled([a, b, c]);
    expect(prepared).toEqual(['a', 'b', 'c']);
    expect(ra).toEqual({ status: 'fulfilled', value: true });
    expect(rb).toEqual({ status: 'rejected', reason: withdrawn });
    expect(rc).toEqual({ status: 'fulfilled', value: true });

    expect([...store.transcript.turns('s-1'), ...store.transcript.turns('s-3')].map((t) => [t.id, t.status, t.answer])).toEqual([
      ['t-1', 'answered', 'answer one'],
      ['t-3', 'answered', 'answer three'],
    ]);
    const other = new Database(path, { readonly: true });
    try {
      expect(other.prepare(`SELECT turn_id, text FROM messages WHERE role = 'candidate' ORDER BY session_id, seq`).all()).toEqual([
        { turn_id: 't-1', text: 'answer one' },
        { turn_id: 't-3', text: 'answer three' },
      ]);
    } finally {
      other.close();
    }
  });

  it('a unit that fails in the store rejects alone; a conditional unit that changes nothing resolves false', async () => {
    const store = openStore();
    await store.write(startUnit('s-1', 't-1'), { durable: true });
    await store.write(startUnit('s-2', 't-2'), { durable: true });
    const group = new GroupCommit(store);
    const ok = group.run(() => ({ kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'mine', answeredAt: T1 }) as const);
    const bad = group.run(() => ({ kind: 'ask', turn: bankTurn('ghost', 't-ghost') }) as const);
    const repeat = group.run(() => ({ kind: 'answer', sessionId: 's-1', turnId: 't-1', text: 'again', answeredAt: T2 }) as const);
    const other = group.run(() => ({ kind: 'answer', sessionId: 's-2', turnId: 't-2', text: 'second', answeredAt: T1 }) as const);
    const settled = await Promise.allSettled([ok, bad, repeat, other]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: true });
    expect(settled[1]!.status).toBe('rejected');
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/store write failed: FOREIGN KEY constraint failed/);
    // same batch, after 'mine': the turn is no longer 'asked'
    expect(settled[2]).toEqual({ status: 'fulfilled', value: false });
    expect(settled[3]).toEqual({ status: 'fulfilled', value: true });
    expect(store.transcript.turn('t-1')!.answer).toBe('mine');
    expect(store.transcript.turn('t-2')!.answer).toBe('second');
    expect(store.transcript.turn('t-ghost')).toBeUndefined();
  });

  it('writes asked for in later ticks go out in later batches and still resolve', async () => {
    const store = openStore();
    await store.write(startUnit('s-1', 't-1'), { durable: true });
    const group = new GroupCommit(store);
    const first = group.run(() => ({ kind: 'ask', turn: bankTurn('s-1', 't-2', 2) }) as const);
    await new Promise((r) => setImmediate(r));
    const second = group.run(() => ({ kind: 'answer', sessionId: 's-1', turnId: 't-2', text: 'later', answeredAt: T1 }) as const);
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBe(true);
    expect(store.transcript.turn('t-2')).toMatchObject({ status: 'answered', answer: 'later' });
  });
});

describe('store.close', () => {
  it('commits the writes asked for before close, then refuses new ones', async () => {
    const path = tempDbPath();
    const store = createStore(path);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      writes.push(store.write(startUnit(`s-${i}`, `t-${i}`), { durable: i % 2 === 0 }));
      writes.push(store.write({ kind: 'ask', turn: bankTurn(`s-${i}`, `t-${i}-2`, 2) }, { durable: i % 2 === 1 }));
    }
    writes.push(store.writeAll([{ kind: 'answer', sessionId: 's-0', turnId: 't-0-2', text: 'just in time', answeredAt: T1 }], { durable: true }));
    await store.close();
    const settled = await Promise.allSettled(writes);
    expect(settled.map((s) => s.status)).toEqual(writes.map(() => 'fulfilled'));
    expect((settled.at(-1) as PromiseFulfilledResult<unknown>).value).toEqual([{ ok: true, value: true }]);
    expect(store.db.open).toBe(false);
    await expect(store.write(startUnit('late', 't-late'))).rejects.toThrow(/store write failed: the worker is closed/);

    const fresh = new Database(path, { readonly: true });
    try {
      expect(count(fresh, 'SELECT count(*) AS n FROM sessions')).toBe(8);
      expect(count(fresh, 'SELECT count(*) AS n FROM turns')).toBe(16);
      expect(count(fresh, 'SELECT count(*) AS n FROM messages')).toBe(17);
      expect(count(fresh, `SELECT count(*) AS n FROM sessions WHERE id = 'late'`)).toBe(0);
      expect(fresh.prepare(`SELECT answer FROM turns WHERE id = 't-0-2'`).get()).toEqual({ answer: 'just in time' });
    } finally {
      fresh.close();
    }
  });

  it('closing twice is harmless, and a store closed with nothing written still opens cleanly', async () => {
    const path = tempDbPath();
    const store = createStore(path);
    await store.close();
    await store.close();
    const again = openStore(path);
    await again.write(startUnit('s-1', 't-1'), { durable: true });
    expect(again.sessions.countActive()).toBe(1);
  });
});

describe('FileSync', () => {
  it('syncs a real WAL file after commits, opening it on first use, and reports a WAL that is not there', () => {
    const path = tempDbPath();
    const wal = new FileSync(`${path}-wal`);
    // nothing has created the WAL yet: the error reaches the caller, which refuses the durable writes
    expect(() => wal.sync()).toThrow(/ENOENT/);
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (n INTEGER)');
      const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
      for (let i = 0; i < 20; i++) {
        insert.run(i);
        wal.sync();
      }
      wal.close();
      wal.close();
      expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(20);
    } finally {
      db.close();
    }
  });

  it('with no path (an in-memory database) returns at once, and close does nothing', () => {
    const wal = new FileSync(undefined);
    expect(() => wal.sync()).not.toThrow();
    expect(() => wal.close()).not.toThrow();
  });
});

describe('WAL checkpoints, on a thread of their own', () => {
  /** the longest delay a timer takes: the store's own checkpoints never come */
  const NEVER = 2 ** 31 - 1;
  /** SQLite's default automatic checkpoint, which the writer's connection moves out to WRITER_CHECKPOINT_PAGES, comes at 1,000 */
  const AUTO_CHECKPOINT_BYTES = 1000 * 4096;
  const size = (file: string): number => statSync(file).size;

  /** The start of session `s-<n>`, whose two questions are each worded a little differently, so that it freezes some 7 KB of its own (two pages or so). */
  function startOwn(n: number): WriteUnit {
    const id = `s-${n}`;
    const own = (q: typeof docker) => ({ ...q, reference: `${q.reference} (${id})` });
    return { kind: 'start', session: { ...newSession(id), questions: [own(docker), own(cap)].map(freezeQuestion) }, turn: bankTurn(id, `t-${n}`) };
  }

  async function writeSessions(store: Store, from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i += 50) {
      const units = Array.from({ length: 50 }, (_, k) => startOwn(i + k));
      const outcomes = await store.writeAll(units);
      expect(outcomes.every((o) => o.ok)).toBe(true);
    }
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 10_000) throw new Error('gave up waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('the writer thread leaves checkpoints to the checkpoint thread: past 1,000 pages the WAL holds every write and the file is untouched', async () => {
    const path = tempDbPath();
    const store = openStore(path, { checkpoints: { delayMs: NEVER } });
    const fileBefore = size(path);
    await writeSessions(store, 0, 1500);
    expect(size(`${path}-wal`)).toBeGreaterThan(1.5 * AUTO_CHECKPOINT_BYTES);
    expect(size(path)).toBe(fileBefore);

    const checkpointer = new WalCheckpointer(path, { delayMs: NEVER });
    try {
      const copied = await checkpointer.checkpoint();
      expect(copied.walPages).toBeGreaterThan(1500);
      expect(copied.copiedPages).toBe(copied.walPages);
      expect(size(path)).toBeGreaterThan(fileBefore + AUTO_CHECKPOINT_BYTES);
      // every frame is in the file: the next write starts the WAL again from its beginning
      await store.write(startUnit('after', 't-after'));
      expect((await checkpointer.checkpoint()).walPages).toBeLessThan(20);
    } finally {
      await checkpointer.close();
    }
    expect(store.sessions.countActive()).toBe(1501);
  });

  it('a checkpoint that copied frames syncs the database file itself; one that found nothing new does not', async () => {
    const path = tempDbPath();
    const store = openStore(path, { checkpoints: { delayMs: NEVER } });
    const checkpointer = new WalCheckpointer(path, { delayMs: NEVER });
    try {
      await writeSessions(store, 0, 100);
      expect(await checkpointer.checkpoint()).toMatchObject({ fileSynced: true });
      expect(await checkpointer.checkpoint()).toMatchObject({ fileSynced: false });
      // every frame was copied, so this write starts the WAL over; the next checkpoint copies it and syncs again
      await store.write(startUnit('more', 't-more'));
      const again = await checkpointer.checkpoint();
      expect(again.copiedPages).toBe(again.walPages);
      expect(again.fileSynced).toBe(true);
    } finally {
      await checkpointer.close();
    }
  });

  it('writes are followed by a checkpoint within the delay', async () => {
    const path = tempDbPath();
    const store = openStore(path, { checkpoints: { delayMs: 20 } });
    const fileBefore = size(path);
    await writeSessions(store, 0, 300);
    await until(() => size(path) > fileBefore);
    expect(store.sessions.countActive()).toBe(300);
  });

  it('a checkpoint thread that cannot open the database is reported once, not at every retry', async () => {
    const errors: Error[] = [];
    const checkpointer = new WalCheckpointer(join(temp.dir(), 'missing', 'x.sqlite'), { delayMs: 1, onError: (err) => errors.push(err) });
    try {
      checkpointer.wrote();
      await until(() => errors.length > 0);
      // more writes, more failed tries (each starts a thread, which takes a few hundred ms): still one report
      for (let i = 0; i < 2; i++) {
        checkpointer.wrote();
        await new Promise((r) => setTimeout(r, 1500));
      }
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/directory does not exist|unable to open|stopped/);
      expect(checkpointer.last).toBeUndefined();
    } finally {
      await checkpointer.close();
    }
  });

  it('under steady writes the WAL starts over once it passes finishAbovePages: the writer copies what the checkpoint thread had not', async () => {
    const path = tempDbPath();
    const finishAbovePages = 200;
    // the writer's own automatic checkpoint stays at 40,000 pages, out of this test's reach
    const store = openStore(path, { checkpoints: { delayMs: 1, finishAbovePages } });
    // the threads are running before the clock starts
    await store.write(startUnit('first', 't-first'));
    const fileBefore = size(path);
    // a small write every 2 ms, not waiting for the last: a write is always about to begin
    const writes: Promise<UnitOutcome[]>[] = [];
    for (let i = 0; i < 1500; i += 5) {
      writes.push(store.writeAll(Array.from({ length: 5 }, (_, k) => startOwn(i + k))));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await Promise.all(writes)).flat().every((o) => o.ok)).toBe(true);
    const written = size(path) - fileBefore;
    // every session went through the WAL and on into the file, yet the WAL was reused rather than grown
    expect(written).toBeGreaterThan(1500 * 4096);
    expect(size(`${path}-wal`)).toBeLessThan(written / 3);
    expect(store.sessions.countActive()).toBe(1501);
  });

  it("past its own limit the writer's connection checkpoints by itself, so the WAL stays bounded without the checkpoint thread", async () => {
    const path = tempDbPath();
    const limit = 300;
    const store = openStore(path, { checkpoints: { delayMs: NEVER, writerAbovePages: limit } });
    const fileBefore = size(path);
    await writeSessions(store, 0, 1500);
    // 1,500 sessions take more than 1,500 pages; each batch of 50 adds about 100 after the limit is crossed
    expect(size(`${path}-wal`)).toBeLessThan(3 * limit * 4096);
    expect(size(path)).toBeGreaterThan(fileBefore + 1000 * 4096);
    expect(store.sessions.countActive()).toBe(1500);
  });
});

describe('frozen questions', () => {
  it('are stored once however many sessions ask them, each session reading back its own in order, and an edited question is frozen anew', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    await store.write(startUnit('s-a', 't-a'), { durable: true });
    await store.write({ kind: 'start', session: { ...newSession('s-b'), questions: [cap, docker].map(freezeQuestion) }, turn: bankTurn('s-b', 't-b') }, { durable: true });
    expect(count(store.db, 'SELECT count(*) AS n FROM frozen_questions')).toBe(2);
    const edited = { ...docker, reference: `${docker.reference} Edited.` };
    await store.write({ kind: 'start', session: { ...newSession('s-c'), questions: [edited, cap].map(freezeQuestion) }, turn: bankTurn('s-c', 't-c') }, { durable: true });
    expect(count(store.db, 'SELECT count(*) AS n FROM frozen_questions')).toBe(3);
    // another session asking the same questions in another order: found under the same keys
    await store.write({ kind: 'start', session: { ...newSession('s-d'), questions: [cap, edited].map(freezeQuestion) }, turn: bankTurn('s-d', 't-d') }, { durable: true });
    expect(count(store.db, 'SELECT count(*) AS n FROM frozen_questions')).toBe(3);
    await store.close();

    // read back by a new store, whose questions are parsed from the file, not kept from the writes above
    const again = openStore(path);
    expect(again.db.prepare('SELECT question FROM frozen_questions WHERE key = ?').get(freezeQuestion(docker).key)).toEqual({ question: JSON.stringify(docker) });
    expect(again.sessions.get('s-a')?.questions).toEqual([docker, cap]);
    expect(again.sessions.get('s-b')?.questions).toEqual([cap, docker]);
    expect(again.sessions.get('s-c')?.questions).toEqual([edited, cap]);
    expect(again.sessions.get('s-c')?.questions?.[0]?.reference).toMatch(/Edited\.$/);
    expect(again.sessions.get('s-d')?.questions).toEqual([cap, edited]);
    expect(count(again.db, 'SELECT count(*) AS n FROM session_questions')).toBe(0);
  });
});

describe('a database made by an earlier build', () => {
  it('keeps its sessions, their questions, assessments, unscored answers and transcripts when migrations 4 to 7 run on it', async () => {
    const path = tempDbPath();
    const done = assessmentOf('containers share a kernel');
    const before = openStore(path);
    for (const id of ['s-done', 's-open', 's-over']) await before.write(startUnit(id, `t-${id}`, id !== 's-over'), { durable: true });
    await before.write({ kind: 'answer', sessionId: 's-done', turnId: 't-s-done', text: 'containers share a kernel', answeredAt: T1 }, { durable: true });
    await before.write({ kind: 'scored', sessionId: 's-done', turnId: 't-s-done', assessment: done, scoredAt: T2 });
    // a follow-up, answered, then a question left unanswered: the transcript's numbering must survive all three
    const followUp: NewTurn = { ...bankTurn('s-done', 't-s-done-2'), kind: 'follow-up', parentTurnId: 't-s-done', pointId: docker.keyPoints[0]!.id };
    await before.write({ kind: 'ask', turn: followUp });
    await before.write({ kind: 'answer', sessionId: 's-done', turnId: 't-s-done-2', text: 'namespaces and cgroups', answeredAt: T2 }, { durable: true });
    const probed = assessmentOf('namespaces and cgroups');
    await before.write({ kind: 'scored', sessionId: 's-done', turnId: 't-s-done-2', assessment: probed, scoredAt: T2, ask: bankTurn('s-done', 't-s-done-3', 2) });
    // answered, never scored: the process died in between
    await before.write({ kind: 'answer', sessionId: 's-open', turnId: 't-s-open', text: 'layers are cached', answeredAt: T1 }, { durable: true });
    // answered, never scored, yet complete: nothing at start-up scores it (only an active session goes on)
    await before.write({ kind: 'answer', sessionId: 's-over', turnId: 't-s-over', text: 'it is over', answeredAt: T1 }, { durable: true });
    await before.write({ kind: 'complete', sessionId: 's-over', overall: 0, completedAt: T2 }, { durable: true });
    await before.close();

    // the file as the build before migrations 4 to 7 left it: its indexes back, its messages a table
    // holding what that build wrote beside every turn, its questions in the sessions' rows, its version four lower
    const old = new Database(path);
    const last = MIGRATIONS.length;
    expect(last).toBe(7);
    old.exec(`ALTER TABLE sessions ADD COLUMN questions TEXT;
      UPDATE sessions SET questions = (
        SELECT json_group_array(json(f.question) ORDER BY k.key)
        FROM json_each(sessions.question_keys) k JOIN frozen_questions f ON f.key = k.value)
        WHERE question_keys IS NOT NULL;
      ALTER TABLE sessions DROP COLUMN question_keys;
      DROP TABLE frozen_questions;
      DROP TABLE session_questions;
      DROP INDEX sessions_active;
      CREATE INDEX turns_by_status ON turns (status) WHERE status = 'answered';
      CREATE INDEX assessments_by_session ON assessments (session_id);
      DROP VIEW messages;
      CREATE TABLE messages (
        session_id TEXT NOT NULL REFERENCES sessions(id), seq INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('interviewer', 'candidate')), turn_id TEXT NOT NULL REFERENCES turns(id),
        text TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
      PRAGMA user_version = ${last - 4};`);
    const message = old.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)');
    for (const [id, answer] of [['s-done', 'containers share a kernel'], ['s-open', 'layers are cached'], ['s-over', 'it is over']] as const) {
      message.run(id, 1, 'interviewer', `t-${id}`, docker.question, T0);
      message.run(id, 2, 'candidate', `t-${id}`, answer, T1);
    }
    message.run('s-done', 3, 'interviewer', 't-s-done-2', docker.question, T0);
    message.run('s-done', 4, 'candidate', 't-s-done-2', 'namespaces and cgroups', T2);
    message.run('s-done', 5, 'interviewer', 't-s-done-3', cap.question, T0);
    const allMessages = 'SELECT session_id, seq, role, turn_id, text, created_at FROM messages ORDER BY session_id, seq';
    const oldMessages = old.prepare(allMessages).all();
    old.close();

    const after = openStore(path);
    expect(after.db.pragma('user_version', { simple: true })).toBe(last);
    const indexes = (after.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(['sessions_active', 'sessions_by_ip']);
    // the questions moved to a table of their own; a session stored without them still reads back null
    expect(after.sessions.get('s-done')?.questions).toEqual([docker, cap]);
    expect(after.sessions.get('s-over')?.questions).toBeNull();
    expect(count(after.db, 'SELECT count(*) AS n FROM session_questions')).toBe(2);
    expect(after.db.prepare("SELECT count(*) AS n FROM pragma_table_info('sessions') WHERE name = 'questions'").get()).toEqual({ n: 0 });
    // the transcript, read from the turns now, is the one the table held
    expect(after.db.prepare("SELECT type FROM sqlite_master WHERE name = 'messages'").get()).toEqual({ type: 'view' });
    expect(after.db.prepare(allMessages).all()).toEqual(oldMessages);
    expect(after.transcript.transcript('s-done').map((m) => [m.seq, m.role, m.kind, m.index])).toEqual([
      [1, 'interviewer', 'bank', 1],
      [2, 'candidate', 'bank', 1],
      [3, 'interviewer', 'follow-up', 1],
      [4, 'candidate', 'follow-up', 1],
      [5, 'interviewer', 'bank', 2],
    ]);
    expect([...after.assessments.forSession('s-done').keys()]).toEqual(['t-s-done', 't-s-done-2']);
    expect(after.assessments.forSession('s-done').get('t-s-done')).toEqual(done);
    expect(after.assessments.forSession('s-open').size).toBe(0);
    expect(after.transcript.sessionsWithUnscoredAnswers()).toEqual(['s-open']);
    // and it goes on working: the unscored answer is scored, and no session is left with one
    await after.write({ kind: 'scored', sessionId: 's-open', turnId: 't-s-open', assessment: assessmentOf('layers are cached'), scoredAt: T2 });
    expect(after.transcript.sessionsWithUnscoredAnswers()).toEqual([]);
    expect(after.assessments.forSession('s-open').size).toBe(1);
    // sessions stored before frozen_questions keep their own copy; a new one freezes its questions there
    expect(count(after.db, 'SELECT count(*) AS n FROM frozen_questions')).toBe(0);
    await after.write(startUnit('s-new', 't-s-new'), { durable: true });
    expect(after.sessions.get('s-new')?.questions).toEqual([docker, cap]);
    expect(count(after.db, 'SELECT count(*) AS n FROM frozen_questions')).toBe(2);
    expect(count(after.db, 'SELECT count(*) AS n FROM session_questions')).toBe(2);
  });
});

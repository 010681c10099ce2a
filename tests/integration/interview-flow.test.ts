import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startTestServer, EventLog, type TestServer, type TestClient } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import type { QuestionEvent } from '../../server/realtime/contract.js';

const banks = loadBanks('data/banks');
const WEAK = 'Not sure really, I would probably just go with whatever the team already uses.';
const strong = (q: QuestionEvent) => banks.question(q.questionId)!.reference;

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

async function start(client: TestClient, payload: Parameters<TestClient['emitWithAck']>[1] = {}) {
  const res = await client.timeout(5000).emitWithAck('interview:start', payload as never);
  if (!res.ok) throw new Error(`start failed: ${res.error.code} ${res.error.message}`);
  return res;
}

describe('a live practice interview over socket.io', () => {
  it('runs 3 questions end to end, with a follow-up for a weak answer, and stores every message in order', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const started = await start(client, { candidate: 'Ada', level: 'beginner', questionCount: 3, mode: 'practice' });
    expect(started.total).toBe(3);
    expect(started.token.length).toBeGreaterThanOrEqual(22);
    // the acknowledgement came first: no question had arrived when it resolved
    const first = await log.waitFor('interviewer:question', 1);
    expect(first).toMatchObject({ index: 1, total: 3, kind: 'bank' });

    const answers: string[] = [];
    let asked = 1;
    // weak first answer, then strong answers to everything else
    for (let guard = 0; guard < 10; guard++) {
      const q = log.of('interviewer:question').at(-1)!;
      const text = asked === 1 ? WEAK : strong(q);
      answers.push(text);
      const ack = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text });
      expect(ack).toEqual({ ok: true, turnId: q.turnId });
      const result = await log.waitFor('assessment:result', answers.length);
      expect(result.turnId).toBe(q.turnId);
      if (log.of('interview:complete').length) break;
      const raced = await Promise.race([
        log.waitFor('interviewer:question', asked + 1).then(() => 'question'),
        log.waitFor('interview:complete', 1).then(() => 'complete'),
      ]);
      if (raced === 'complete') break;
      asked += 1;
    }

    const questions = log.of('interviewer:question');
    expect(questions.length).toBeGreaterThanOrEqual(4);
    const followUp = questions[1]!;
    expect(followUp).toMatchObject({ kind: 'follow-up', index: 1, questionId: questions[0]!.questionId });
    const firstResult = log.of('assessment:result')[0]!.assessment;
    expect(firstResult.overall).toBeLessThan(60);
    const probed = banks.question(questions[0]!.questionId)!.keyPoints.find((p) => p.followUp === followUp.text);
    expect(probed?.core).toBe(true);
    expect(firstResult.missing.map((m) => m.pointId)).toContain(probed!.id);

    expect(log.of('assessment:result')).toHaveLength(answers.length);
    const complete = await log.waitFor('interview:complete', 1);
    expect(complete).toMatchObject({ sessionId: started.sessionId, reportUrl: `/api/sessions/${started.sessionId}/report` });
    expect(complete.overall).toBeGreaterThan(0);
    // results precede completion
    const names = log.events.map((e) => e.name);
    expect(names.lastIndexOf('assessment:result')).toBeLessThan(names.indexOf('interview:complete'));

    const db = new Database(server.dbPath, { readonly: true });
    const messages = db
      .prepare('SELECT seq, role, text FROM messages WHERE session_id = ? ORDER BY seq')
      .all(started.sessionId) as Array<{ seq: number; role: string; text: string }>;
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(messages.filter((m) => m.role === 'candidate').map((m) => m.text)).toEqual(answers);
    expect(messages.filter((m) => m.role === 'interviewer').map((m) => m.text)).toEqual(questions.map((q) => q.text));
    // interviewer and candidate alternate: question, answer, question, answer ...
    expect(messages.map((m) => m.role)).toEqual(messages.map((_, i) => (i % 2 ? 'candidate' : 'interviewer')));
    const stored = db.prepare('SELECT token_hash, status FROM sessions WHERE id = ?').get(started.sessionId) as { token_hash: string; status: string };
    expect(stored.status).toBe('complete');
    expect(stored.token_hash).not.toContain(started.token);
    expect(db.prepare('SELECT count(*) AS n FROM assessments WHERE session_id = ?').get(started.sessionId)).toEqual({ n: answers.length });
    db.close();
  });

  it('realistic mode holds every result back until the last answer, then releases them before completion', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const { sessionId } = await start(client, { level: 'intermediate', questionCount: 2, mode: 'realistic', followUps: 0 });
    for (let i = 1; i <= 2; i++) {
      const q = await log.waitFor('interviewer:question', i);
      expect(log.of('assessment:result')).toHaveLength(0);
      await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text: strong(q) });
    }
    await log.waitFor('interview:complete', 1);
    const names = log.events.map((e) => e.name);
    expect(names).toEqual(['interviewer:question', 'interviewer:question', 'assessment:result', 'assessment:result', 'interview:complete']);
    expect(log.of('assessment:delta')).toHaveLength(0);
  });

  it('a repeated submit of the same answer is acknowledged once and stored once', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const { sessionId } = await start(client, { questionCount: 1, followUps: 0 });
    const q = await log.waitFor('interviewer:question', 1);
    const text = strong(q);
    const [a, b] = await Promise.all([
      client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text }),
      client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text }),
    ]);
    expect(a).toEqual({ ok: true, turnId: q.turnId });
    expect(b).toEqual({ ok: true, turnId: q.turnId });
    await log.waitFor('interview:complete', 1);
    const other = await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text: 'a different answer' });
    expect(other).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const db = new Database(server.dbPath, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM messages WHERE role = 'candidate'").get()).toEqual({ n: 1 });
    db.close();
  });

  it('resume from another connection needs the token, then returns the pending question and the transcript', async () => {
    const first = await server.client();
    const log = new EventLog(first);
    const { sessionId, token } = await start(first, { questionCount: 2, followUps: 0 });
    const q1 = await log.waitFor('interviewer:question', 1);
    await first.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q1.turnId, text: strong(q1) });
    const q2 = await log.waitFor('interviewer:question', 2);
    first.disconnect();

    const second = await server.client();
    const log2 = new EventLog(second);
    const denied = await second.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q2.turnId, text: 'hello there' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await second.timeout(5000).emitWithAck('interview:resume', { sessionId, token: 'not-the-token' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const resumed = await second.timeout(5000).emitWithAck('interview:resume', { sessionId, token });
    if (!resumed.ok) throw new Error('resume failed');
    expect(resumed.pending).toEqual(q2);
    expect(resumed.transcript.map((m: { role: string }) => m.role)).toEqual(['interviewer', 'candidate', 'interviewer']);
    expect(resumed.results).toHaveLength(1);
    await second.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q2.turnId, text: strong(q2) });
    await log2.waitFor('interview:complete', 1);
  });

  it('interview:finish ends early and reports what was answered', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const { sessionId } = await start(client, { questionCount: 3, followUps: 0 });
    const q = await log.waitFor('interviewer:question', 1);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text: strong(q) });
    const fin = await client.timeout(5000).emitWithAck('interview:finish', { sessionId });
    expect(fin).toEqual({ ok: true, reportUrl: `/api/sessions/${sessionId}/report` });
    const complete = await log.waitFor('interview:complete', 1);
    expect(complete.overall).toBe(log.of('assessment:result')[0]!.assessment.overall);
  });
});

describe('bad input over socket.io', () => {
  it('gets coded errors, never a stack, and the server keeps serving', async () => {
    const client = await server.client();
    const bad: Array<[string, unknown]> = [
      ['interview:start', 'not an object'],
      ['interview:start', { mode: 'easy' }],
      ['interview:start', { questionCount: -1 }],
      ['interview:start', { followUps: 9 }],
      ['interview:start', { level: 'beginner', extra: true }],
      ['interview:start', { bank: 'no-such-bank' }],
      ['interview:resume', {}],
      ['interview:resume', { sessionId: 'x', token: 'y' }],
      ['answer:submit', { sessionId: 1, turnId: 'x', text: 'hi' }],
      ['answer:submit', { sessionId: 'x', turnId: 'y', text: 'hi' }],
      ['answer:submit', null],
      ['interview:finish', { sessionId: 'nope' }],
      ['interview:finish', [1, 2, 3]],
    ];
    for (const [event, payload] of bad) {
      const res = (await client.timeout(5000).emitWithAck(event as 'interview:start', payload as never)) as {
        ok: boolean;
        error?: { code: string; message: string };
      };
      expect(res.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
      expect(['BAD_REQUEST', 'NOT_FOUND', 'UNAUTHORIZED']).toContain(res.error!.code);
      expect(res.error!.message).not.toMatch(/\bat .*\(|node_modules|Error:/);
    }
    const res = await client.timeout(5000).emitWithAck('interview:start', { mode: 'easy' } as never);
    expect(res).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('mode') } });
    // an empty and an oversized answer
    const log = new EventLog(client);
    const started = await start(client, { questionCount: 1 });
    const q = await log.waitFor('interviewer:question', 1);
    const empty = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: '   ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const huge = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: 'x'.repeat(8001) });
    expect(huge).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    // still alive and the interview still takes a proper answer
    const ok = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: strong(q) });
    expect(ok).toMatchObject({ ok: true });
  });
});

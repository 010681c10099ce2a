import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, EventLog, type TestServer, type TestClient } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { createStore } from '../../server/store/store.js';
import { createOfflineScorer } from '../../server/scoring/offline-scorer.js';
import { createThreadedScorer } from '../../server/scoring/scoring-thread.js';
import { ReportService } from '../../server/reports/report-service.js';
import { silentLogger } from '../../server/logger.js';
import type { Scorer, ScoringInput } from '../../server/scoring/scorer.js';
import type { QuestionEvent } from '../../server/realtime/contract.js';

/**
 * Answers that race each other, and an answer racing interview:finish, through a real server with
 * real socket.io clients, the writer thread and the scoring thread. Whatever the order the server
 * sees them in, what it acknowledges is what it stores, exactly once, and every stored answer is scored.
 */

const banks = loadBanks('data/banks');
const WEAK = 'Not sure really, I would probably just go with whatever the team already uses.';
const strong = (q: QuestionEvent) => banks.question(q.questionId)!.reference;

/** The server's own offline scorer (on its thread), counting what it is asked to score, by answer text. */
const scoredAnswers = new Map<string, number>();
function countingScorer(): Scorer {
  const threaded = createThreadedScorer(createOfflineScorer());
  return {
    kind: 'offline',
    score: (input: ScoringInput, options) => {
      scoredAnswers.set(input.answer, (scoredAnswers.get(input.answer) ?? 0) + 1);
      return threaded.score(input, options);
    },
  };
}

let server: TestServer;
beforeAll(async () => {
  // many interviews from one loopback client: no per-address or per-minute limits in the way
  server = await startTestServer(
    { MAX_SESSIONS_PER_IP: 0, ANSWERS_PER_MINUTE: 0, MAX_CONNECTIONS_PER_IP: 0 },
    { scorer: countingScorer() },
  );
});
afterAll(async () => {
  await server?.close();
});

async function start(client: TestClient, payload: Parameters<TestClient['emitWithAck']>[1]) {
  const res = await client.timeout(5000).emitWithAck('interview:start', payload as never);
  if (!res.ok) throw new Error(`start failed: ${res.error.code} ${res.error.message}`);
  return res;
}

function candidateMessages(sessionId: string, turnId: string): string[] {
  return server.store.transcript
    .transcript(sessionId)
    .filter((m) => m.role === 'candidate' && m.turnId === turnId)
    .map((m) => m.text);
}

/** A strong answer made unique, so the scorer's count for it belongs to this test alone. */
function uniqueAnswer(q: QuestionEvent, tag: string): string {
  return `${strong(q)} (${tag} ${randomUUID()})`;
}

describe('answers racing each other', () => {
  it('the same answer twice in one tick is acknowledged twice, stored once and scored once', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const { sessionId } = await start(client, { questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    const q = await log.waitFor('interviewer:question', 1);
    const text = uniqueAnswer(q, 'twice');

    const first = client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text });
    const second = client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual({ ok: true, turnId: q.turnId });
    expect(b).toEqual({ ok: true, turnId: q.turnId });

    // the next question is asked once the answer is scored
    const q2 = await log.waitFor('interviewer:question', 2);
    expect(q2).toMatchObject({ index: 2, questionId: 'cap-theorem', kind: 'bank' });
    expect(candidateMessages(sessionId, q.turnId)).toEqual([text]);
    expect(server.store.transcript.turn(q.turnId)).toMatchObject({ status: 'scored', answer: text });
    expect(scoredAnswers.get(text)).toBe(1);
    const results = log.of('assessment:result').filter((r) => r.turnId === q.turnId);
    expect(results).toHaveLength(1);
    expect(server.store.assessments.forSession(sessionId).get(q.turnId)).toEqual(results[0]!.assessment);
    // exactly one question after the answer: it was not advanced twice
    expect(log.of('interviewer:question')).toHaveLength(2);
    expect(server.store.transcript.turns(sessionId)).toHaveLength(2);
    client.disconnect();
  });

  it('two different answers to one turn in one tick: one is acknowledged, the other is a CONFLICT, and the acknowledged one is stored', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const { sessionId } = await start(client, { questionIds: ['rate-limiting', 'docker'], followUps: 0 });
    const q = await log.waitFor('interviewer:question', 1);
    const texts = [uniqueAnswer(q, 'first'), uniqueAnswer(q, 'second')];

    const acks = await Promise.all(texts.map((text) => client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text })));
    const accepted = acks.flatMap((ack, i) => (ack.ok ? [i] : []));
    expect(accepted).toHaveLength(1);
    const winner = accepted[0]!;
    expect(acks[winner]).toEqual({ ok: true, turnId: q.turnId });
    expect(acks[1 - winner]).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    await log.waitFor('interviewer:question', 2);
    expect(candidateMessages(sessionId, q.turnId)).toEqual([texts[winner]]);
    expect(server.store.transcript.turn(q.turnId)!.answer).toBe(texts[winner]);
    expect(scoredAnswers.get(texts[winner]!)).toBe(1);
    expect(scoredAnswers.has(texts[1 - winner]!)).toBe(false);
    expect(log.of('assessment:result').filter((r) => r.turnId === q.turnId)).toHaveLength(1);

    // and a retry of the loser after the fact is still a CONFLICT
    const late = await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text: texts[1 - winner]! });
    expect(late).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(candidateMessages(sessionId, q.turnId)).toEqual([texts[winner]]);
    client.disconnect();
  });
});

describe('an answer racing interview:finish', () => {
  it('whichever goes first, an acknowledged answer is stored and scored, a refused one left no trace, and the interview completes', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const client = await server.client();
      const log = new EventLog(client);
      const { sessionId } = await start(client, { questionIds: ['cap-theorem', 'docker'], followUps: 1 });
      const q = await log.waitFor('interviewer:question', 1);
      // alternately weak (would earn a follow-up) and strong answers
      const text = i % 2 === 0 ? `${WEAK} (${randomUUID()})` : uniqueAnswer(q, `finish-race-${i}`);

      const answer = client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text });
      // some rounds send finish in the same tick, others a moment later, to see both orders
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
      if (i % 4 === 2) await new Promise((r) => setTimeout(r, 2));
      if (i % 4 === 1) await new Promise((r) => setTimeout(r, 10));
      const finish = client.timeout(5000).emitWithAck('interview:finish', { sessionId });
      const [ack, fin] = await Promise.all([answer, finish]);

      expect(fin, `round ${i}`).toEqual({ ok: true, reportUrl: `/api/sessions/${sessionId}/report` });
      const complete = await log.waitFor('interview:complete', 1);
      expect(complete.sessionId).toBe(sessionId);
      const session = server.store.sessions.get(sessionId)!;
      expect(session.status, `round ${i}`).toBe('complete');
      const turns = server.store.transcript.turns(sessionId);
      expect(turns[0]!.id).toBe(q.turnId);
      // once finishing, nothing more is asked; a question asked before finish arrived stays unanswered
      expect(turns.length, `round ${i}`).toBeLessThanOrEqual(ack.ok ? 2 : 1);
      for (const t of turns.slice(1)) expect(t, `round ${i}`).toMatchObject({ status: 'asked', answer: null });
      expect(log.of('interviewer:question').map((e) => e.turnId)).toEqual(turns.map((t) => t.id));
      const assessments = server.store.assessments.forSession(sessionId);

      if (ack.ok) {
        outcomes.push('stored');
        expect(ack).toEqual({ ok: true, turnId: q.turnId });
        expect(candidateMessages(sessionId, q.turnId), `round ${i}`).toEqual([text]);
        expect(turns[0]!.status).toBe('scored');
        expect(assessments.has(q.turnId), `round ${i}: acknowledged answer has an assessment`).toBe(true);
        expect(scoredAnswers.get(text)).toBe(1);
        const results = log.of('assessment:result');
        expect(results.map((r) => r.turnId)).toEqual([q.turnId]);
        expect(complete.overall).toBe(assessments.get(q.turnId)!.overall);
      } else {
        outcomes.push('refused');
        expect(ack.error.code, `round ${i}`).toBe('CONFLICT');
        expect(candidateMessages(sessionId, q.turnId), `round ${i}`).toEqual([]);
        expect(turns[0]).toMatchObject({ status: 'asked', answer: null, answeredAt: null });
        expect(assessments.size).toBe(0);
        // scoring may have begun while the answer was on its way to disk; nothing of it may show
        expect(scoredAnswers.get(text) ?? 0).toBeLessThanOrEqual(1);
        expect(log.of('assessment:result')).toEqual([]);
        expect(complete.overall).toBe(0);
      }
      // the report on disk agrees with what was acknowledged
      const report = server.app.reports.get(sessionId);
      expect(report.status).toBe('complete');
      expect(report.questions[0]!.score === null, `round ${i}`).toBe(!ack.ok);
      client.disconnect();
    }
    expect(outcomes).toHaveLength(20);
    // rounds that send finish a moment later see the answer stored; rounds in the same tick see it refused
    expect(outcomes).toContain('stored');
    expect(outcomes).toContain('refused');
  });
});

describe('the file agrees with the server', () => {
  it('after a full interview with follow-ups, a second store on the same file reads the same turns, assessments and report', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const { sessionId } = await start(client, { questionIds: ['docker', 'cap-theorem', 'rate-limiting'], followUps: 1, mode: 'practice' });

    const answers: string[] = [];
    for (let guard = 0; guard < 12 && log.of('interview:complete').length === 0; guard++) {
      const asked = log.of('interviewer:question').length;
      const q = log.of('interviewer:question').at(-1)!;
      // weak to every bank question, so each gets its follow-up; the follow-ups get the reference
      const text = q.kind === 'bank' ? `${WEAK} (${q.questionId})` : strong(q);
      answers.push(text);
      const ack = await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text });
      expect(ack).toEqual({ ok: true, turnId: q.turnId });
      await Promise.race([log.waitFor('interviewer:question', asked + 1), log.waitFor('interview:complete', 1)]);
    }
    const complete = await log.waitFor('interview:complete', 1);
    const questions = log.of('interviewer:question');
    expect(questions.map((q) => q.kind)).toEqual(['bank', 'follow-up', 'bank', 'follow-up', 'bank', 'follow-up']);
    expect(answers).toHaveLength(6);
    const results = log.of('assessment:result');
    expect(results.map((r) => r.turnId)).toEqual(questions.map((q) => q.turnId));

    const second = createStore(server.dbPath);
    try {
      // the file, through a connection of its own, against the server's store and what clients were told
      const turns = second.transcript.turns(sessionId);
      expect(turns).toEqual(server.store.transcript.turns(sessionId));
      expect(turns.map((t) => [t.id, t.kind, t.text, t.answer, t.status])).toEqual(
        questions.map((q, i) => [q.turnId, q.kind, q.text, answers[i], 'scored']),
      );
      expect(turns.filter((t) => t.kind === 'follow-up').map((t) => t.parentTurnId)).toEqual(
        turns.filter((t) => t.kind === 'bank').map((t) => t.id),
      );
      const assessments = second.assessments.forSession(sessionId);
      expect(assessments).toEqual(server.store.assessments.forSession(sessionId));
      expect(assessments.size).toBe(6);
      for (const r of results) expect(assessments.get(r.turnId)).toEqual(r.assessment);

      expect(second.transcript.transcript(sessionId)).toEqual(server.store.transcript.transcript(sessionId));
      expect(second.transcript.transcript(sessionId).map((m) => m.role)).toEqual(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? 'candidate' : 'interviewer')),
      );
      const session = second.sessions.get(sessionId)!;
      expect(session).toEqual(server.store.sessions.get(sessionId));
      expect(session).toMatchObject({ status: 'complete', overall: complete.overall, questionIds: ['docker', 'cap-theorem', 'rate-limiting'] });

      // the report stored at completion (built from the server's memory) equals one built now from the file
      const stored = second.reports.get(sessionId);
      expect(stored).toBeDefined();
      expect(stored!.overall).toBe(complete.overall);
      const rebuilt = new ReportService(second, banks, silentLogger).build(sessionId);
      expect(rebuilt).toEqual(stored);
    } finally {
      await second.close();
    }
    client.disconnect();
  });
});

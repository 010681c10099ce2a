import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from '../support/fake-openai.js';
import { startTestServer, EventLog, type TestServer } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { gradeReply } from '../support/fake-grader.js';

const banks = loadBanks('data/banks');
const ANSWER = 'We pick consistency and partition tolerance for the ledger, so a partitioned node rejects writes.';
const FEEDBACK = 'You chose CP for the ledger and said why. Name a real database and its trade-off next time.';
const FOLLOW_UP = 'Suppose the two halves of your cluster cannot talk for ten minutes: what do your users see?';

/** A model that grades, writes follow-ups and narrates reports, telling the three prompts apart. */
function modelReplies(body: ChatRequestBody): string {
  const system = String(body.messages?.[0]?.content ?? '');
  if (system.includes('follow-up question')) return JSON.stringify({ question: FOLLOW_UP });
  if (system.includes('summary and study plan')) {
    return JSON.stringify({ summary: 'You were graded by the model. Solid on trade-offs, thin on examples.', studyPlan: ['Practise naming databases per CAP choice.'] });
  }
  return gradeReply(body, FEEDBACK);
}

let fake: FakeOpenAI;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.reply(modelReplies);
  fake.chunkSize = 8;
  fake.chunkDelayMs = 2;
  fake.usage = { prompt_tokens: 500, completion_tokens: 80 };
  server = await startTestServer({ SCORER: 'llm', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'fake-grader', LLM_TIMEOUT_MS: 3000 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await server.close();
  await fake.close();
});

/** A new interview on cap-theorem with one follow-up, its first question answered with ANSWER. */
async function answerFirstQuestion() {
  const client = await server.client();
  const log = new EventLog(client);
  const started = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['cap-theorem'], followUps: 1 });
  if (!started.ok) throw new Error('start failed');
  const q = await log.waitFor('interviewer:question', 1);
  await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: ANSWER });
  return { client, log, sessionId: started.sessionId, q };
}

describe('an interview graded by an OpenAI-compatible endpoint', () => {
  it('streams the feedback as assessment:delta, then a grounded LLM result, an LLM follow-up and an LLM-written report', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const started = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['cap-theorem'], followUps: 1, mode: 'practice' });
    if (!started.ok) throw new Error('start failed');
    const q = await log.waitFor('interviewer:question', 1);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: ANSWER });

    const result = await log.waitFor('assessment:result', 1);
    const deltas = log.of('assessment:delta').filter((d) => d.turnId === q.turnId);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.text).join('')).toBe(FEEDBACK);
    // every delta arrived before the result
    const names = log.events.map((e) => e.name);
    expect(names.lastIndexOf('assessment:delta')).toBeLessThan(names.indexOf('assessment:result'));
    const a = result.assessment;
    expect(a).toMatchObject({ scorer: 'llm', model: 'fake-grader', promptVersion: 'grader-v1', feedback: FEEDBACK });
    expect(a.fallbackReason).toBeUndefined();
    expect(a.covered).toHaveLength(1);
    expect(ANSWER).toContain(a.covered[0]!.evidence);

    const followUp = await log.waitFor('interviewer:question', 2);
    expect(followUp).toMatchObject({ kind: 'follow-up', questionId: 'cap-theorem', text: FOLLOW_UP });
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: followUp.turnId, text: 'Users in the minority side get errors until it heals.' });
    await log.waitFor('interview:complete', 1);

    const row = server.store.db
      .prepare('SELECT scorer, model, prompt_version, prompt_tokens, completion_tokens, latency_ms FROM assessments WHERE turn_id = ?')
      .get(q.turnId) as Record<string, unknown>;
    expect(row).toMatchObject({ scorer: 'llm', model: 'fake-grader', prompt_version: 'grader-v1', prompt_tokens: 500, completion_tokens: 80 });
    expect(row.latency_ms).toBeGreaterThan(0);

    const report = await request(server.url)
      .get(`/api/sessions/${started.sessionId}/report?format=json`)
      .set('authorization', `Bearer ${started.token}`)
      .expect(200);
    expect(report.body.summary).toContain('graded by the model');
    expect(report.body.narrative).toEqual({ by: 'llm:fake-grader', promptVersion: 'report-v1' });
    // the narrator saw stored facts only, never the candidate's answers
    const narration = fake.requests.find((r) => String(r.body.messages?.[0]?.content).includes('summary and study plan'))!;
    expect(JSON.stringify(narration.body.messages)).not.toContain(ANSWER);
  });

  it('a generated follow-up that gives the answer away is replaced by the bank follow-up', async () => {
    fake.reply((body) => {
      const system = String(body.messages?.[0]?.content ?? '');
      if (system.includes('follow-up question')) {
        // name the missed point outright, with a cue its bank follow-up never uses
        const label = /<missed_point>\n([\s\S]*?)\n<\/missed_point>/.exec(String(body.messages?.at(-1)?.content))?.[1];
        const point = banks.question('cap-theorem')!.keyPoints.find((p) => p.label === label)!;
        const cue = point.cues.find((c) => !point.followUp.toLowerCase().includes(c.toLowerCase()))!;
        return JSON.stringify({ question: `Could you explain how ${cue} applies to this design?` });
      }
      return modelReplies(body);
    });
    const { log } = await answerFirstQuestion();
    const result = await log.waitFor('assessment:result', 1);
    const followUp = await log.waitFor('interviewer:question', 2);
    const missedCore = banks.question('cap-theorem')!.keyPoints.filter((p) => p.core && result.assessment.missing.some((m) => m.pointId === p.id));
    expect(missedCore.map((p) => p.followUp)).toContain(followUp.text);
    fake.reply(modelReplies);
  });

  it('interview:finish while the model is still writing a follow-up: the follow-up is never asked', async () => {
    // every reply waits, so the follow-up is still being written when finish arrives
    fake.delayMs = 600;
    try {
      const { client, log, sessionId, q } = await answerFirstQuestion();
      await log.waitFor('assessment:result', 1);
      const askedForFollowUp = () => fake.requests.some((r) => String(r.body.messages?.[0]?.content ?? '').includes('follow-up question'));
      for (let waited = 0; !askedForFollowUp(); waited += 10) {
        if (waited > 3000) throw new Error('the model was never asked for a follow-up');
        await new Promise((r) => setTimeout(r, 10));
      }
      const fin = await client.timeout(5000).emitWithAck('interview:finish', { sessionId });
      expect(fin.ok).toBe(true);
      await log.waitFor('interview:complete', 1);
      // what the model wrote came after the candidate had finished
      expect(log.of('interviewer:question')).toHaveLength(1);
      expect(server.store.transcript.turns(sessionId).map((t) => t.id)).toEqual([q.turnId]);
    } finally {
      fake.delayMs = 0;
    }
  });

  it('when the endpoint keeps failing, the built-in scorer answers, says so, and the interview completes', async () => {
    fake.fail(500, 50);
    const client = await server.client();
    const log = new EventLog(client);
    const started = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker'], followUps: 0 });
    if (!started.ok) throw new Error('start failed');
    const q = await log.waitFor('interviewer:question', 1);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: banks.question('docker')!.reference });
    const result = await log.waitFor('assessment:result', 1);
    expect(result.assessment).toMatchObject({ scorer: 'offline', fallbackReason: expect.stringMatching(/^llm-/) });
    expect(JSON.stringify(result.assessment)).not.toContain('fake failure');
    const complete = await log.waitFor('interview:complete', 1);
    expect(complete.overall).toBe(result.assessment.overall);
  });
});

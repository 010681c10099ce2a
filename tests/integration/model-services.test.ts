import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { configFor } from '../../server/config.js';
import { createModelServices } from '../../server/model-services.js';
import { silentLogger } from '../../server/logger.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { buildReport } from '../../server/reports/build-report.js';

const question = loadBanks('data/banks').question('cap-theorem')!;
let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});

describe('model services against a failing endpoint', () => {
  it('once grading has opened the circuit, follow-ups and report narratives stop calling the endpoint', async () => {
    const models = createModelServices(configFor({ OPENAI_BASE_URL: fake.url, LLM_TIMEOUT_MS: 2000 }), silentLogger);
    fake.fail(500, 1000);
    const input = { questionId: question.id, question: question.question, reference: question.reference, tip: question.tip, keyPoints: question.keyPoints, answer: 'Pick two of three.' };
    for (let i = 0; i < 5; i++) expect((await models.scorer.score(input)).fallbackReason).toMatch(/^llm-/);
    const calls = fake.requests.length;
    expect(await models.followUps!.write({ question, point: question.keyPoints[0]!, answer: 'Pick two.' })).toBeNull();
    const report = buildReport({
      session: { id: 's', tokenHash: '', candidate: null, bankId: 'senior-backend', mode: 'practice', level: 'mixed', topics: [], followUps: 1, questionIds: [question.id], status: 'complete', overall: 0, clientIp: null, createdAt: new Date().toISOString(), completedAt: null, retryOf: null, questions: [question] },
      questions: [question],
      turns: [],
      assessments: new Map(),
    });
    expect(await models.narrator!.narrate({ ...report, answered: 1 })).toBeNull();
    expect((await models.scorer.score(input)).fallbackReason).toBe('llm-circuit-open');
    expect(fake.requests.length).toBe(calls);
  });
});

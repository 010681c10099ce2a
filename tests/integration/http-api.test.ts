import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestServer, EventLog, type TestServer } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { AssessmentSchema } from '../../server/scoring/assessment.js';

const bank = loadBanks('data/banks').defaultBank();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('REST API', () => {
  it('GET /api/health answers ok', async () => {
    const res = await request(server.url).get('/api/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('GET /api/banks lists the bank with its levels and topics', async () => {
    const res = await request(server.url).get('/api/banks').expect(200);
    expect(res.body.banks).toEqual([
      expect.objectContaining({ id: 'senior-backend', questionCount: 18, levels: ['beginner', 'intermediate', 'advanced'] }),
    ]);
    expect(res.body.banks[0].topics).toContain('databases');
  });

  it('POST /api/score grades a bank answer with its rubric and returns an Assessment', async () => {
    const q = bank.questions.find((x) => x.id === 'cap-theorem')!;
    const res = await request(server.url).post('/api/score').send({ questionId: q.id, answer: q.reference }).expect(200);
    const a = AssessmentSchema.parse(res.body);
    expect(a.overall).toBeGreaterThanOrEqual(60);
    for (const c of a.covered) expect(q.reference).toContain(c.evidence);
  });

  it('POST /api/score grades against a given reference without a bank', async () => {
    const res = await request(server.url)
      .post('/api/score')
      .send({ question: 'What does a hash index speed up?', reference: 'Equality lookups on the indexed key, in constant time.', answer: 'fine' })
      .expect(200);
    expect(AssessmentSchema.parse(res.body).overall).toBeLessThan(15);
  });

  it('POST /api/score rejects bad bodies with coded errors', async () => {
    const bad = await request(server.url).post('/api/score').send({ answer: 'x' }).expect(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    const unknown = await request(server.url).post('/api/score').send({ questionId: 'nope', answer: 'x' }).expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const broken = await request(server.url).post('/api/score').set('content-type', 'application/json').send('{"answer":').expect(400);
    expect(broken.body.error.code).toBe('BAD_REQUEST');
    const huge = await request(server.url).post('/api/score').send({ questionId: 'docker', answer: 'x'.repeat(200_000) }).expect(413);
    expect(huge.body.error.code).toBe('TOO_LARGE');
    expect(JSON.stringify(huge.body)).not.toMatch(/node_modules|\bat /);
  });

  it('GET /api/sessions/:id needs that session token', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const a = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    const b = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    if (!a.ok || !b.ok) throw new Error('start failed');
    await log.waitFor('interviewer:question', 2);

    await request(server.url).get(`/api/sessions/${a.sessionId}`).expect(401);
    const wrong = await request(server.url).get(`/api/sessions/${a.sessionId}`).set('authorization', `Bearer ${b.token}`).expect(404);
    const unknown = await request(server.url).get('/api/sessions/not-a-session').set('authorization', `Bearer ${a.token}`).expect(404);
    expect(wrong.body).toEqual(unknown.body);
    const ok = await request(server.url).get(`/api/sessions/${a.sessionId}`).set('authorization', `Bearer ${a.token}`).expect(200);
    expect(ok.body).toMatchObject({ sessionId: a.sessionId, status: 'active', total: 1 });
    expect(ok.body.transcript).toHaveLength(1);
  });

  it('unknown API paths get a coded 404', async () => {
    const res = await request(server.url).get('/api/nothing-here').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

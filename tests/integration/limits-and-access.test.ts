import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { io as connect } from 'socket.io-client';
import { startTestServer, EventLog, type TestServer } from '../support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('limits', () => {
  it('answers per minute per socket: the next answer gets RATE_LIMITED, and nothing is stored for it', async () => {
    server = await startTestServer({ ANSWERS_PER_MINUTE: 2, LIMIT_LOOPBACK: 'on' });
    const client = await server.client();
    const log = new EventLog(client);
    const s = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 3, followUps: 0 });
    if (!s.ok) throw new Error('start failed');
    for (let i = 1; i <= 2; i++) {
      const q = await log.waitFor('interviewer:question', i);
      expect(await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q.turnId, text: 'Indexes and EXPLAIN plans.' })).toMatchObject({ ok: true });
    }
    const q3 = await log.waitFor('interviewer:question', 3);
    const limited = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q3.turnId, text: 'A third answer.' });
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const n = server.store.db.prepare("SELECT count(*) AS n FROM messages WHERE role = 'candidate'").get();
    expect(n).toEqual({ n: 2 });
  });

  it('maximum answer length is configurable', async () => {
    server = await startTestServer({ MAX_ANSWER_CHARS: 100 });
    const client = await server.client();
    const log = new EventLog(client);
    const s = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    if (!s.ok) throw new Error('start failed');
    const q = await log.waitFor('interviewer:question', 1);
    const res = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q.turnId, text: 'x '.repeat(60) });
    expect(res).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', message: expect.stringContaining('100') } });
  });

  it('connections per IP: the next connection is refused', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_IP: 2, LIMIT_LOOPBACK: 'on' });
    await server.client();
    await server.client();
    const third = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const err = await new Promise<Error>((resolve) => third.once('connect_error', resolve));
    expect(err.message).toMatch(/Too many connections/);
    third.close();
  });

  it('clients on the same machine are exempt from the limits unless LIMIT_LOOPBACK=on', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_IP: 2, MAX_SESSIONS_PER_IP: 1, HTTP_RATE_LIMIT_PER_MINUTE: 2, ANSWERS_PER_MINUTE: 1 });
    const clients = [await server.client(), await server.client(), await server.client()];
    for (const client of clients) {
      for (let i = 0; i < 2; i++) expect(await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 })).toMatchObject({ ok: true });
    }
    for (let i = 0; i < 4; i++) expect((await fetch(`${server.url}/api/banks`)).status).toBe(200);
    const client = clients[0]!;
    const log = new EventLog(client);
    const s = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker', 'cap-theorem'], followUps: 0 });
    if (!s.ok) throw new Error('start failed');
    for (let i = 1; i <= 2; i++) {
      const q = await log.waitFor('interviewer:question', i);
      expect(await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q.turnId, text: `answer ${i}` })).toMatchObject({ ok: true });
    }
  });

  it('concurrent sessions per IP: starting one more gets RATE_LIMITED until one finishes', async () => {
    server = await startTestServer({ MAX_SESSIONS_PER_IP: 2, LIMIT_LOOPBACK: 'on' });
    const client = await server.client();
    const a = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    const third = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    expect(third).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    if (!a.ok) throw new Error('start failed');
    await client.timeout(5000).emitWithAck('interview:finish', { sessionId: a.sessionId });
    expect(await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 })).toMatchObject({ ok: true });
  });

  it('one connection cannot start interviews in a loop', async () => {
    server = await startTestServer({ MAX_SESSIONS_PER_IP: 1000, LIMIT_LOOPBACK: 'on' });
    const client = await server.client();
    for (let i = 0; i < 10; i++) expect(await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 })).toMatchObject({ ok: true });
    expect(await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('HTTP rate limit answers 429 with Retry-After and a coded body', async () => {
    server = await startTestServer({ HTTP_RATE_LIMIT_PER_MINUTE: 3, LIMIT_LOOPBACK: 'on' });
    for (let i = 0; i < 3; i++) await request(server.url).get('/api/health').expect(200);
    const res = await request(server.url).get('/api/health').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error.code).toBe('RATE_LIMITED');
  });

  it('0 disables a limit', async () => {
    server = await startTestServer({ HTTP_RATE_LIMIT_PER_MINUTE: 0 });
    for (let i = 0; i < 20; i++) await request(server.url).get('/api/health').expect(200);
  });
});

describe('access', () => {
  it('session B’s token cannot read session A: transcript, report and resume all say not found', async () => {
    server = await startTestServer();
    const client = await server.client();
    const a = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    const b = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    if (!a.ok || !b.ok) throw new Error('start failed');
    const auth = `Bearer ${b.token}`;
    await request(server.url).get(`/api/sessions/${a.sessionId}`).set('authorization', auth).expect(404);
    await request(server.url).get(`/api/sessions/${a.sessionId}/report?format=md`).set('authorization', auth).expect(404);
    const other = await server.client();
    expect(await other.timeout(5000).emitWithAck('interview:resume', { sessionId: a.sessionId, token: b.token })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await other.timeout(5000).emitWithAck('interview:finish', { sessionId: a.sessionId })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('the session listing is disabled without ADMIN_TOKEN and needs it when set', async () => {
    server = await startTestServer();
    await request(server.url).get('/api/sessions').expect(404);
    await server.close();
    server = await startTestServer({ ADMIN_TOKEN: 'admin-secret-123' });
    const client = await server.client();
    const s = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1, candidate: 'Lin' });
    if (!s.ok) throw new Error('start failed');
    await request(server.url).get('/api/sessions').expect(401);
    await request(server.url).get('/api/sessions').set('authorization', `Bearer ${s.token}`).expect(401);
    const res = await request(server.url).get('/api/sessions').set('authorization', 'Bearer admin-secret-123').expect(200);
    expect(res.body.sessions).toEqual([expect.objectContaining({ id: s.sessionId, candidate: 'Lin', status: 'active' })]);
    expect(JSON.stringify(res.body)).not.toContain(s.token);
    expect(JSON.stringify(res.body)).not.toMatch(/token|hash/i);
  });
});

describe('web hardening', () => {
  it('sends a Content-Security-Policy without inline script, and other helmet headers', async () => {
    server = await startTestServer();
    const res = await request(server.url).get('/api/health');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('CORS: only allow-listed origins get CORS headers, for REST and socket.io', async () => {
    server = await startTestServer({ CORS_ORIGINS: 'https://coach.example' });
    const ok = await request(server.url).get('/api/banks').set('origin', 'https://coach.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://coach.example');
    const no = await request(server.url).get('/api/banks').set('origin', 'https://evil.example');
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    const poll = await request(server.url).get('/socket.io/?EIO=4&transport=polling').set('origin', 'https://evil.example');
    expect(poll.headers['access-control-allow-origin']).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Writable } from 'node:stream';
import { createLogger } from '../../server/logger.js';
import { startTestServer, EventLog, type TestServer } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';

const banks = loadBanks('data/banks');
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let server: TestServer;
let sessionId = '';
let token = '';
const ANSWER_MARKER = 'zebra-unique-marker-phrase';

beforeAll(async () => {
  const logger = createLogger('debug', sink);
  server = await startTestServer({ LOG_LEVEL: 'info' }, { logger });
  const client = await server.client();
  const log = new EventLog(client);
  const s = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker'], followUps: 0 });
  if (!s.ok) throw new Error('start failed');
  ({ sessionId, token } = s);
  const q = await log.waitFor('interviewer:question', 1);
  await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text: `${banks.question('docker')!.reference} ${ANSWER_MARKER}` });
  await log.waitFor('interview:complete', 1);
});
afterAll(async () => {
  await server.close();
});

describe('seeing what happens', () => {
  it('GET /metrics serves Prometheus text with scoring counts, latency histogram and active sessions', async () => {
    const res = await request(server.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/mock_interviewer_answers_scored_total\{scorer="offline",fallback="false"\} 1/);
    expect(res.text).toMatch(/mock_interviewer_answer_to_assessment_seconds_count\{scorer="offline"\} 1/);
    expect(res.text).toMatch(/mock_interviewer_active_sessions 0/);
    expect(res.text).toContain('mock_interviewer_llm_failures_total');
  });

  it("GET /metrics shows the write-ahead log's size once the checkpoint thread has run after the interview's writes", async () => {
    let pages = 0;
    for (let waited = 0; pages === 0; waited += 50) {
      if (waited > 5000) throw new Error('no WAL size in /metrics');
      await new Promise((r) => setTimeout(r, 50));
      const res = await request(server.url).get('/metrics').expect(200);
      pages = Number(/^mock_interviewer_wal_pages (\d+)$/m.exec(res.text)?.[1] ?? 0);
    }
    expect(pages).toBeGreaterThan(0);
  });

  it('logs (debug level, the most detailed with per-answer lines) are structured, carry the session id, and never the token or the answer text', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = parsed.filter((l) => l.sessionId === sessionId);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['interview started', 'answer stored', 'answer scored', 'interview complete']));
    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(ANSWER_MARKER);
  });
});

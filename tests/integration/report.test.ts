import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, EventLog, type TestServer } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { ReportSchema, type Report } from '../../server/reports/report-model.js';

const banks = loadBanks('data/banks');
const SCRIPT = '<script>alert("x")</script>';
const WEAK = `Honestly I think maybe just use whatever the team uses ${SCRIPT} **bold** [link](http://evil.example)`;

let server: TestServer;
let sessionId: string;
let token: string;
let otherToken: string;
let answers: string[] = [];

/** Sits a complete 2-question practice interview: the first answer weak (with markup), the rest strong. */
beforeAll(async () => {
  server = await startTestServer();
  const client = await server.client();
  const log = new EventLog(client);
  const started = await client
    .timeout(5000)
    .emitWithAck('interview:start', { candidate: 'Grace <b>H</b>', questionIds: ['cap-theorem', 'redis-caching'], mode: 'practice', followUps: 1 });
  if (!started.ok) throw new Error('start failed');
  ({ sessionId, token } = started);
  let n = 0;
  while (!log.of('interview:complete').length) {
    const q = await log.waitFor('interviewer:question', n + 1);
    const text = n === 0 ? WEAK : banks.question(q.questionId)!.reference;
    answers.push(text);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text });
    n += 1;
    await Promise.race([log.waitFor('interviewer:question', n + 1), log.waitFor('interview:complete', 1)]);
  }
  const other = await client.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
  if (!other.ok) throw new Error('start failed');
  otherToken = other.token;
});
afterAll(async () => {
  await server.close();
});

const get = (format: string, t: string | null = token, id = sessionId) => {
  const req = request(server.url).get(`/api/sessions/${id}/report?format=${format}`);
  return t ? req.set('authorization', `Bearer ${t}`) : req;
};

describe('the written report', () => {
  it('is stored in SQLite when the interview completes', () => {
    const row = server.store.db.prepare('SELECT version, data FROM reports WHERE session_id = ?').get(sessionId) as { version: number; data: string };
    expect(row.version).toBe(1);
    expect(ReportSchema.parse(JSON.parse(row.data)).status).toBe('complete');
  });

  it('JSON: every answered question with its final score, answers, evidence, reference and tip', async () => {
    const res = await get('json').expect(200).expect('content-type', /application\/json/);
    const r: Report = ReportSchema.parse(res.body);
    expect(r).toMatchObject({ sessionId, candidate: 'Grace <b>H</b>', answered: 2, total: 2, status: 'complete', mode: 'practice' });
    expect(r.questions.map((q) => q.questionId)).toEqual(['cap-theorem', 'redis-caching']);
    const [cap, redis] = r.questions;
    expect(cap!.turns.map((t) => t.kind)).toEqual(['bank', 'follow-up']);
    expect(cap!.turns.map((t) => t.answer)).toEqual(answers.slice(0, 2));
    expect(cap!.reference).toBe(banks.question('cap-theorem')!.reference);
    expect(cap!.tip).toBe(banks.question('cap-theorem')!.tip);
    expect(redis!.score).toBeGreaterThanOrEqual(60);
    expect(cap!.score!).toBeLessThan(redis!.score!);
    for (const q of r.questions) {
      expect(q.timeTakenSeconds).not.toBeNull();
      for (const t of q.turns) for (const c of t.assessment?.covered ?? []) expect(t.answer).toContain(c.evidence);
    }
    expect(r.overall).toBe(Math.round((cap!.score! + redis!.score!) / 2));
    expect(r.byTopic.length).toBeGreaterThan(0);
    expect(r.byLevel.map((l) => l.key).sort()).toEqual(['beginner', 'intermediate']);
    expect(r.weakestConcepts.length).toBeGreaterThan(0);
    expect(r.weakestConcepts.length).toBeLessThanOrEqual(3);
    expect(r.weakestConcepts[0]!.trainWith[0]!.questionId).toBe(r.weakestConcepts[0]!.questionId);
    expect(r.communication.hedgesPer100Words).toBeGreaterThan(0);
    expect(r.summary).toContain('Grace <b>H</b> answered 2 of 2');
    expect(r.studyPlan.length).toBeGreaterThan(0);
  });

  it('Markdown: candidate text is fenced or escaped, never live markup', async () => {
    const res = await get('md').expect(200).expect('content-type', /text\/markdown/);
    const md = res.text;
    expect(md).toContain('# Interview report: Grace &lt;b&gt;H&lt;/b&gt;');
    // the raw answer appears only inside a fenced block
    const fencedBlocks = [...md.matchAll(/```text\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(fencedBlocks).toContain(WEAK);
    const outside = md.replace(/```text\n[\s\S]*?\n```/g, '');
    expect(outside).not.toContain('<script>');
    expect(outside).not.toContain('[link](');
    expect(md).toContain('```text\n' + banks.question('redis-caching')!.reference + '\n```');
  });

  it('HTML: a self-contained page with SVG charts, print CSS, no script, markup escaped', async () => {
    const res = await get('html').expect(200).expect('content-type', /text\/html/);
    const html = res.text;
    expect(html).toMatch(/<svg[^>]+class="chart"/);
    expect(html).toContain('Score per question');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Grace &lt;b&gt;H&lt;/b&gt;');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    for (const q of ['cap-theorem', 'redis-caching']) {
      expect(html).toContain(banks.question(q)!.question.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
    }
  });

  it('needs the token: 401 without, the same 404 for a wrong token or unknown session', async () => {
    const none = await get('json', null).expect(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await get('json', otherToken).expect(404);
    const unknown = await get('json', token, 'no-such-session').expect(404);
    expect(wrong.body).toEqual(unknown.body);
    await get('pdf').expect(400);
  });

  it('`npm run report` prints the same report from the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
    const env = { ...process.env, DATABASE_PATH: server.dbPath };
    const md = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/report.ts', sessionId, '--format', 'md'], { env, encoding: 'utf8' });
    expect(md.status).toBe(0);
    const api = await get('md');
    expect(md.stdout).toBe(api.text.endsWith('\n') ? api.text : `${api.text}\n`);
    const out = join(dir, 'r.html');
    const html = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/report.ts', sessionId, '--format', 'html', '--out', out], { env, encoding: 'utf8' });
    expect(html.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe((await get('html')).text);
    const missing = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/report.ts', 'nope'], { env, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
  });

  it('a retry session compares the attempts in its report', async () => {
    const client = await server.client();
    const log = new EventLog(client);
    const retry = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['cap-theorem'], retryOf: { sessionId, token }, followUps: 0 });
    if (!retry.ok) throw new Error('retry failed');
    const q = await log.waitFor('interviewer:question', 1);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId: retry.sessionId, turnId: q.turnId, text: banks.question('cap-theorem')!.reference });
    await log.waitFor('interview:complete', 1);
    const res = await get('json', retry.token, retry.sessionId).expect(200);
    const first = (await get('json')).body as Report;
    expect(res.body.questions[0].previousAttempts).toEqual([
      { sessionId, date: expect.any(String), score: first.questions[0]!.score },
    ]);
    const badRetry = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['cap-theorem'], retryOf: { sessionId, token: otherToken } });
    expect(badRetry).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, EventLog, type TestServer } from '../support/test-server.js';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { createOfflineScorer } from '../../server/scoring/offline-scorer.js';
import type { Scorer } from '../../server/scoring/scorer.js';

const banks = loadBanks('data/banks');
const WEAK = 'Not sure really, I would probably just go with whatever the team already uses.';

/** The built-in scorer, slowed down so a test can act while an answer is being scored. */
function slowScorer(ms: number): Scorer {
  const offline = createOfflineScorer();
  return { kind: 'offline', score: async (input) => (await new Promise((r) => setTimeout(r, ms)), offline.score(input)) };
}

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('interview edge cases', () => {
  it('finishing while an answer is being scored scores it, asks nothing more, and completes', async () => {
    const server = await startTestServer({}, { scorer: slowScorer(300) });
    servers.push(server);
    const client = await server.client();
    const log = new EventLog(client);
    const s = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker', 'cap-theorem'], followUps: 1 });
    if (!s.ok) throw new Error('start failed');
    const q = await log.waitFor('interviewer:question', 1);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q.turnId, text: WEAK });
    const fin = await client.timeout(5000).emitWithAck('interview:finish', { sessionId: s.sessionId });
    expect(fin.ok).toBe(true);
    await log.waitFor('interview:complete', 1);
    expect(log.events.map((e) => e.name)).toEqual(['interviewer:question', 'assessment:result', 'interview:complete']);
    const turns = server.store.transcript.turns(s.sessionId);
    expect(turns).toHaveLength(1);
  });

  it('a session keeps the questions it started with when its bank is edited before a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-edit-'));
    const dbPath = join(dir, 'interviews.sqlite');
    const first = await startTestServer({}, { dbPath });
    const client = await first.client();
    const log = new EventLog(client);
    const s = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker', 'cap-theorem', 'ci-cd'], followUps: 0 });
    if (!s.ok) throw new Error('start failed');
    const q1 = await log.waitFor('interviewer:question', 1);
    await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q1.turnId, text: banks.question('docker')!.reference });
    await log.waitFor('interviewer:question', 2);
    await first.close();

    // the operator removes the first two questions and rewrites the third
    const bank = JSON.parse(readFileSync('data/banks/senior-backend.json', 'utf8'));
    bank.questions = bank.questions.filter((q: { id: string }) => q.id !== 'docker' && q.id !== 'cap-theorem');
    bank.questions.find((q: { id: string }) => q.id === 'ci-cd').question = 'EDITED: describe a CI/CD pipeline.';
    const banksDir = join(dir, 'banks');
    mkdirSync(banksDir);
    writeFileSync(join(banksDir, 'senior-backend.json'), JSON.stringify(bank));

    const second = await startTestServer({ BANKS_DIR: banksDir }, { dbPath });
    servers.push(second);
    const again = await second.client();
    const log2 = new EventLog(again);
    const resumed = await again.timeout(5000).emitWithAck('interview:resume', { sessionId: s.sessionId, token: s.token });
    if (!resumed.ok) throw new Error(`resume failed: ${JSON.stringify(resumed)}`);
    expect(resumed.pending).toMatchObject({ index: 2, questionId: 'cap-theorem', text: banks.question('cap-theorem')!.question });
    await again.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: resumed.pending!.turnId, text: banks.question('cap-theorem')!.reference });
    const q3 = await log2.waitFor('interviewer:question', 1);
    expect(q3).toMatchObject({ index: 3, questionId: 'ci-cd', text: banks.question('ci-cd')!.question });
    await again.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q3.turnId, text: banks.question('ci-cd')!.reference });
    await log2.waitFor('interview:complete', 1);
    const report = second.app.reports.get(s.sessionId);
    expect(report.questions.map((q) => q.question)).toEqual(['docker', 'cap-theorem', 'ci-cd'].map((id) => banks.question(id)!.question));
  });
});

describe('the report of an interview still under way', () => {
  it('hides reference answers and tips, and in realistic mode the held scores', async () => {
    const server = await startTestServer();
    servers.push(server);
    const client = await server.client();
    for (const mode of ['practice', 'realistic'] as const) {
      const log = new EventLog(client);
      const s = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker', 'cap-theorem'], followUps: 0, mode });
      if (!s.ok) throw new Error('start failed');
      const q = await log.waitFor('interviewer:question', 1);
      const own = 'Docker packages the service and its dependencies into an image, so dev, staging and prod run the same thing; it suits microservices and CI/CD pipelines and scales out easily.';
      await client.timeout(5000).emitWithAck('answer:submit', { sessionId: s.sessionId, turnId: q.turnId, text: own });
      await log.waitFor('interviewer:question', 2);
      const res = await fetch(`${server.url}/api/sessions/${s.sessionId}/report?format=json`, { headers: { authorization: `Bearer ${s.token}` } });
      const body = await res.text();
      expect(res.status).toBe(200);
      expect(body).not.toContain(banks.question('docker')!.reference.slice(0, 60));
      expect(body).not.toContain(banks.question('cap-theorem')!.tip);
      const report = JSON.parse(body);
      expect(report.status).toBe('active');
      if (mode === 'realistic') expect(report.questions[0].score).toBeNull();
      else expect(report.questions[0].score).toBeGreaterThan(50);
      client.removeAllListeners();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { io as connect, type Socket } from 'socket.io-client';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { EventLog, startTestServer, type TestClient } from '../support/test-server.js';
import { gradeReply } from '../support/fake-grader.js';

const FEEDBACK = 'Graded while the server was shutting down.';

let fake: FakeOpenAI;
let server: ServerProcess;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.reply((body) => gradeReply(body, FEEDBACK));
  fake.delayMs = 1500;
  server = await startServerProcess({ env: { SCORER: 'llm', OPENAI_BASE_URL: fake.url, LLM_TIMEOUT_MS: '8000' } });
});
afterAll(async () => {
  await server?.remove();
  await fake?.close();
});

describe('graceful shutdown on SIGTERM', () => {
  it('lets in-flight scoring finish and be stored, then exits cleanly with the database closed', async () => {
    const client: TestClient = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true }) as Socket as TestClient;
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const log = new EventLog(client);
    const started = await client.timeout(5000).emitWithAck('interview:start', { questionIds: ['docker'], followUps: 0 });
    if (!started.ok) throw new Error('start failed');
    const q = await log.waitFor('interviewer:question', 1);
    const ack = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text: 'Containers package the app with its dependencies.' });
    expect(ack.ok).toBe(true);
    // the signal arrives while the model is still thinking (it takes 1.5 s)
    for (let i = 0; i < 100 && fake.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.inFlight).toBe(1);
    const exit = await server.kill('SIGTERM', 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.logs.some((l) => l.msg === 'stopped')).toBe(true);

    // everything sent before the sockets closed reached the client, down to the last event
    const result = log.of('assessment:result')[0];
    expect(result?.assessment).toMatchObject({ scorer: 'llm', feedback: FEEDBACK });
    expect(log.of('interview:complete')).toEqual([expect.objectContaining({ sessionId: started.sessionId, overall: result!.assessment.overall })]);
    const db = new Database(server.databasePath, { readonly: true });
    expect(db.prepare('SELECT scorer FROM assessments WHERE turn_id = ?').get(q.turnId)).toEqual({ scorer: 'llm' });
    db.close();
    client.close();
  });
});

describe('closing the server', () => {
  it('delivers every event sent before it closed the connections, and the client sees a transport close it reconnects after', async () => {
    const server = await startTestServer();
    try {
      const client = await server.client();
      const got: string[] = [];
      client.on('assessment:delta', (p) => got.push(p.text.slice(0, 8)));
      const closed = new Promise<string>((resolve) => client.once('disconnect', (reason) => resolve(reason)));
      // more than a socket writes at once, so most of it is still queued when closing begins
      const filler = 'x'.repeat(20_000);
      for (let i = 0; i < 200; i++) server.app.io.emit('assessment:delta', { sessionId: 's', turnId: 't', text: `${String(i).padStart(7, '0')} ${filler}` });
      await server.app.close(1000);
      expect(await closed).toBe('transport close');
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => String(i).padStart(7, '0') + ' '));
    } finally {
      await server.store.close();
      rmSync(dirname(server.dbPath), { recursive: true, force: true });
    }
  });
});

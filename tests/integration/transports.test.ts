import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { startTestServer, type TestServer } from '../support/test-server.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/realtime/contract.js';
import type { Socket } from 'socket.io-client';

let server: TestServer;
beforeAll(async () => {
  const clientDir = mkdtempSync(join(tmpdir(), 'client-dist-'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>app shell</title>');
  server = await startTestServer({}, { clientDir });
});
afterAll(async () => {
  await server.close();
});

describe('the web client and socket.io share one server', () => {
  it('long-polling socket.io works next to the single-page fallback', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(server.url, { transports: ['polling'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const res = await socket.timeout(5000).emitWithAck('interview:start', { questionCount: 1 });
    expect(res.ok).toBe(true);
    socket.disconnect();
    const page = await fetch(`${server.url}/history`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('app shell');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  });
});

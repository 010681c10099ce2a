import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

function runClient(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/interview.ts', '--url', server.url, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('terminal client', () => {
  it('sits a whole interview against a real server, answers stored and scored', async () => {
    const answers = [
      'Caching keeps hot data in memory, for example Redis with a TTL,\nand I invalidate on writes using cache-aside.',
      'I would add an index on the filtered columns after checking EXPLAIN, and fix N+1 queries.',
    ];
    const { code, stdout, stderr } = await runClient(['--level', 'beginner', '--count', '2', '--follow-ups', '0', '--name', 'Term'], answers.map((a) => `${a}\n\n`).join(''));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Question 1 of 2');
    expect(stdout).toContain('Question 2 of 2');
    expect(stdout.match(/Score \d+\/100/g)).toHaveLength(2);
    expect(stdout).toContain('Interview complete');
    const db = new Database(server.dbPath, { readonly: true });
    const stored = db.prepare("SELECT text FROM messages WHERE role = 'candidate' ORDER BY session_id, seq").all() as Array<{ text: string }>;
    db.close();
    expect(stored.map((r) => r.text)).toEqual(answers);
  });

  it('ends early with /finish and says why it cannot start', async () => {
    const early = await runClient(['--count', '3'], 'A first answer about consistency and ACID transactions.\n\n/finish\n');
    expect(early.code).toBe(0);
    expect(early.stdout).toContain('Interview complete');
    const bad = await runClient(['--mode', 'lazy'], '');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage');
  });
});

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { scoreOffline } from '../../server/scoring/offline-scorer.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as `npm run score` does, feeding `input` on stdin. */
function runCli(input: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/score.ts'], {
      env: { ...process.env, BANKS_DIR: 'data/banks', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const QUESTION = 'What is a linked list?';
const REFERENCE = 'A collection of elements where each element points to the next one, so nodes can be allocated dynamically.';

describe('score CLI (npm run score)', () => {
  it('writes one line per input line, in order, with errors on their own lines', async () => {
    const cap = loadBanks('data/banks').question('cap-theorem')!;
    const capAnswer = 'During a network partition you must choose between consistency and availability; banks pick CP, social feeds pick AP with eventual consistency.';
    const input = [
      JSON.stringify({ id: 'good', question: QUESTION, reference: REFERENCE, answer: 'A list of nodes where each node points to the next element; nodes are allocated dynamically.' }),
      '{"id": "broken", "answer": ',
      JSON.stringify({ id: 'no-answer', question: QUESTION, reference: REFERENCE }),
      JSON.stringify({ id: 7, questionId: 'cap-theorem', answer: capAnswer }),
      '',
      JSON.stringify({ id: 'unknown-question', questionId: 'no-such-question', answer: 'anything' }),
      JSON.stringify({ id: 'weak', question: QUESTION, reference: REFERENCE, answer: 'I do not know.' }),
    ].join('\n');

    const run = await runCli(`${input}\n`);
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out.map((o) => o.id)).toEqual(['good', null, 'no-answer', 7, 'unknown-question', 'weak']);

    const [good, broken, noAnswer, banked, unknown, weak] = out;
    expect(good).toMatchObject({ scorer: 'offline', band: expect.any(String) });
    expect(good!.score).toBeGreaterThanOrEqual(60);
    expect(Array.isArray(good!.covered) && Array.isArray(good!.missing)).toBe(true);
    expect(broken).toEqual({ id: null, error: expect.stringMatching(/JSON/) });
    expect(noAnswer).toEqual({ id: 'no-answer', error: expect.stringMatching(/answer/) });
    expect(unknown).toEqual({ id: 'unknown-question', error: expect.stringMatching(/no-such-question/) });
    expect(weak!.score).toBeLessThan(15);

    // the bank rubric is used, and a batch score equals the live score for the same answer
    const live = scoreOffline({ questionId: cap.id, question: cap.question, reference: cap.reference, tip: cap.tip, keyPoints: cap.keyPoints, answer: capAnswer });
    expect(banked).toEqual({
      id: 7,
      score: live.overall,
      band: live.band,
      scorer: 'offline',
      covered: live.covered.map((c) => c.label),
      missing: live.missing.map((m) => m.label),
    });
    expect(banked!.covered).toEqual(expect.arrayContaining([cap.keyPoints.find((p) => p.id === 'partition-tradeoff')!.label]));
  });

  it('scores a bank question id from the request when the bank does not have it', async () => {
    const run = await runCli(`${JSON.stringify({ id: 'x', questionId: 'elsewhere', question: QUESTION, reference: REFERENCE, answer: 'Nodes that point to the next node.' })}\n`);
    const [only] = lines(run.stdout);
    expect(only).toMatchObject({ id: 'x', scorer: 'offline' });
  });

  it('reports progress on stderr for long inputs and keeps stdout to results', async () => {
    const one = JSON.stringify({ id: 0, question: QUESTION, reference: REFERENCE, answer: 'A chain of nodes, each pointing to the next.' });
    const run = await runCli(`${Array.from({ length: 600 }, () => one).join('\n')}\n`);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(600);
    expect(run.stderr).toMatch(/500 lines/);
  });

  it('fails at start on an invalid setting, naming it', async () => {
    const run = await runCli('', { SCORER: 'magic' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/SCORER/);
  });
});

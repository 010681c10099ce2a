import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BankError, loadBankFile, loadBanks } from '../../server/bank/bank-loader.js';

const good = JSON.parse(readFileSync('data/banks/senior-backend.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'bank-test-'));

function writeBank(name: string, bank: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof bank === 'string' ? bank : JSON.stringify(bank));
  return file;
}

const IDS = {
  beginner: ['sql-vs-nosql', 'rest-versioning', 'auth-api', 'docker', 'http-status-codes', 'redis-caching'],
  intermediate: ['slow-query', 'microservices-vs-monolith', 'cap-theorem', 'rate-limiting', 'ci-cd', 'concurrent-updates'],
  advanced: ['url-shortener', 'notification-system', 'eventual-consistency', 'leader-election', 'backend-security', 'distributed-rate-limiter'],
};

describe('the senior-backend bank', () => {
  const bank = loadBankFile('data/banks/senior-backend.json');

  it('holds the 18 seed questions under their ids and levels', () => {
    for (const [level, ids] of Object.entries(IDS)) {
      expect(bank.questions.filter((q) => q.level === level).map((q) => q.id)).toEqual(ids);
    }
  });

  it('gives every question 3-7 key points, at least one core, with cues and a follow-up', () => {
    for (const q of bank.questions) {
      expect(q.keyPoints.length).toBeGreaterThanOrEqual(3);
      expect(q.keyPoints.length).toBeLessThanOrEqual(7);
      expect(q.keyPoints.some((p) => p.core)).toBe(true);
      expect(q.reference.length).toBeGreaterThan(50);
      expect(q.tip.length).toBeGreaterThan(10);
    }
  });
});

describe('bank validation', () => {
  it('names the file, the JSON path and the reason', () => {
    const broken = structuredClone(good);
    broken.questions[2].keyPoints[1].weight = 'heavy';
    const file = writeBank('bad-weight.json', broken);
    expect(() => loadBankFile(file)).toThrow(BankError);
    try {
      loadBankFile(file);
    } catch (err) {
      const e = err as BankError;
      expect(e.message).toContain(file);
      expect(e.problems[0]!.path).toBe('$.questions[2].keyPoints[1].weight');
      expect(e.problems[0]!.reason).toMatch(/number/);
    }
  });

  it('rejects unknown keys, duplicate ids, no core point and invalid JSON', () => {
    const extra = structuredClone(good);
    extra.questions[0].answer = 'x';
    expect(() => loadBankFile(writeBank('extra.json', extra))).toThrow(/\$\.questions\[0\]/);

    const dup = structuredClone(good);
    dup.questions[1].id = dup.questions[0].id;
    expect(() => loadBankFile(writeBank('dup.json', dup))).toThrow(/\$\.questions\[1\]\.id: duplicate question id/);

    const noCore = structuredClone(good);
    for (const p of noCore.questions[4].keyPoints) p.core = false;
    expect(() => loadBankFile(writeBank('nocore.json', noCore))).toThrow(/\$\.questions\[4\]\.keyPoints: at least one key point must be core/);

    expect(() => loadBankFile(writeBank('notjson.json', '{"id": '))).toThrow(/at \$: not valid JSON/);
  });

  it('refuses two banks that share a question id, naming the clash', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bank-dup-'));
    writeFileSync(join(folder, 'a.json'), JSON.stringify(good));
    writeFileSync(join(folder, 'b.json'), JSON.stringify({ ...good, id: 'copy' }));
    expect(() => loadBanks(folder)).toThrow(/b\.json[\s\S]*\$\.questions\[0\]\.id: question id "sql-vs-nosql" is already used by bank "senior-backend"/);
  });

  it('stops loading a folder that holds a bad bank', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bank-dir-'));
    writeFileSync(join(folder, 'a.json'), JSON.stringify({ ...good, questions: [] }));
    expect(() => loadBanks(folder)).toThrow(BankError);
  });

  it('`npm run bank -- validate FILE` prints the problem and exits non-zero; a good file exits 0', () => {
    const broken = structuredClone(good);
    delete broken.questions[0].tip;
    const file = writeBank('cli.json', broken);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/bank.ts', 'validate', file], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(file);
    expect(bad.stderr).toContain('$.questions[0].tip');
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/bank.ts', 'validate', 'data/banks/senior-backend.json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('18 questions');
  });
});

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { summarise, type Summary } from './stats.js';
import { scratchDir } from './temp-dir.js';

/**
 * How long one small SQLite commit takes right now on the scratch disk (WAL, synchronous=FULL: one
 * fsync each). On a shared VM disk this moves by several times from minute to minute, and with
 * synchronous=FULL it bounds every figure the live bench prints, so each run is printed next to it.
 */
export function probeCommitLatency(commits = 200, maxMs = 2_000): Summary {
  const dir = scratchDir('disk-probe');
  const db = new Database(join(dir.path, 'probe.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const row = 'x'.repeat(300);
    const samples: number[] = [];
    const until = performance.now() + maxMs;
    for (let i = 0; i < commits && performance.now() < until; i++) {
      const t = performance.now();
      insert.run(row);
      samples.push(performance.now() - t);
    }
    return summarise(samples);
  } finally {
    db.close();
    dir.remove();
  }
}

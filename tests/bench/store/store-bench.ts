import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadBankFile } from '../../../server/bank/bank-loader.js';
import { scoreOffline } from '../../../server/scoring/offline-scorer.js';
import { createStore, type Store } from '../../../server/store/store.js';
import { DEFAULT_BANK_FILE } from '../support/paths.js';
import { fmt, fmtBytes } from '../support/stats.js';
import { printTable } from '../support/table.js';
import { scratchDir } from '../support/temp-dir.js';
import type { BenchOptions, BenchOutcome } from '../support/bench-options.js';
import { driveInterviews } from './interview-driver.js';
import { runWriteCycles, runWriterCycles, seedHistory, type WriteFigures } from './write-cycles.js';
import { countLogPages, distinctPagesPerWindow } from './log-pages.js';

/**
 * SQLite through server/store: the interview's writes one transaction each on the caller's thread at
 * synchronous=FULL and NORMAL (what the fsyncs cost), then as the service makes them, through the
 * writer thread with durable answers, one interview and 100 at once; then database growth per
 * completed interview, driven through InterviewService, with the pages of write-ahead log each of
 * its writes adds.
 */
const SYNC_MODES = ['FULL', 'NORMAL'] as const;

/**
 * Interviews whose writes one checkpoint covers, for the distinct pages it copies: about a second of
 * writes at N = 500 (400 answers/s, 5 per interview), the checkpoint thread's pace under load.
 */
const CHECKPOINT_WINDOW_INTERVIEWS = 80;

/** Completed interviews in the database before growth is measured: 35,000 answers of history. */
const HISTORY_INTERVIEWS = 5_000;

function withStore<T>(synchronous: string, fn: (store: Store, dbPath: string) => T): T {
  const dir = scratchDir('store');
  const dbPath = join(dir.path, 'store.sqlite');
  const store = createStore(dbPath);
  store.db.pragma(`synchronous = ${synchronous}`);
  try {
    return fn(store, dbPath);
  } finally {
    store.close();
    dir.remove();
  }
}

/** File + WAL after a truncating checkpoint: the WAL is then empty and the file holds every page. */
function onDisk(store: Store, dbPath: string): number {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return size(dbPath) + size(`${dbPath}-wal`);
}

export async function storeBench(options: BenchOptions): Promise<BenchOutcome> {
  const q = loadBankFile(DEFAULT_BANK_FILE).questions[0]!;
  const answerText = `${q.reference} On my last team we measured this under load before choosing.`;
  const assessment = scoreOffline({ questionId: q.id, question: q.question, reference: q.reference, tip: q.tip, keyPoints: q.keyPoints, answer: answerText });
  const budgetMs = options.quick ? 1_000 : 5_000;

  const row = (label: string, f: WriteFigures) => [
    label,
    String(f.answers),
    fmt(f.messages / f.seconds, 0),
    fmt(f.transactions / f.seconds, 0),
    fmt(f.answers / f.seconds, 0),
    fmt(f.answerTx.p50, 3),
    fmt(f.answerTx.p99, 3),
  ];
  const writeRows = SYNC_MODES.map((mode) => row(`${mode}, one at a time on the caller's thread`, withStore(mode, (store) => runWriteCycles(store, assessment, answerText, budgetMs, 200_000))));
  // the service's own path: the writer thread, durable answers, concurrent interviews
  for (const concurrency of [1, 100]) {
    const dir = scratchDir('writer');
    const store = createStore(join(dir.path, 'writer.sqlite'));
    try {
      writeRows.push(row(`writer thread, ${concurrency} interview${concurrency > 1 ? 's' : ''} at once`, await runWriterCycles(store, assessment, answerText, budgetMs, concurrency)));
    } finally {
      await store.close();
      dir.remove();
    }
  }
  printTable(
    `store: the writes of an interview (start; per answer: answer / scored / ask; complete), ${budgetMs} ms each; "answer" is what an acknowledgement waits for`,
    ['how', 'answers', 'messages/s', 'transactions/s', 'answers/s', 'answer tx p50 ms', 'answer tx p99 ms'],
    writeRows,
  );

  const interviews = options.quick ? 30 : 300;
  const history = options.quick ? 500 : HISTORY_INTERVIEWS;
  const growth = await (async () => {
    const dir = scratchDir('growth');
    const dbPath = join(dir.path, 'growth.sqlite');
    // no checkpoints while it runs, so the log only grows and each write's pages can be read off its size
    const store = createStore(dbPath, { checkpoints: { delayMs: 1e9, writerAbovePages: 1e9 } });
    try {
      seedHistory(store, assessment, answerText, history);
      const before = onDisk(store, dbPath);
      const counted = countLogPages(store, dbPath);
      const pagesBefore = new Map(
        store.db.prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all().map((r) => [r.name, r.bytes]),
      );
      const messageCount = () => store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages').get()!.n;
      const messagesBefore = messageCount();
      const driven = await driveInterviews(counted.store, interviews, 7);
      // read before the checkpoint below empties the log
      const frames = [...counted.byKind.values()].flat().reduce((a, b) => a + b, 0);
      const perWindow = Math.min(interviews, CHECKPOINT_WINDOW_INTERVIEWS);
      const windows = distinctPagesPerWindow(dbPath, Math.round((frames * perWindow) / interviews));
      const checkpointPages = windows.length ? windows.reduce((a, b) => a + b, 0) / windows.length / perWindow : 0;
      const after = onDisk(store, dbPath);
      const tables = store.db
        .prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
        .all()
        .map((r) => ({ name: r.name, bytes: r.bytes - (pagesBefore.get(r.name) ?? 0) }));
      const messages = messageCount() - messagesBefore;
      return { driven, perInterview: (after - before) / interviews, tables, messages, logPages: counted.byKind, checkpointPages };
    } finally {
      store.close();
      dir.remove();
    }
  })();
  printTable(
    `store: growth per completed interview (${interviews} practice interviews of 5 questions through InterviewService, on a database already holding ${history}; file + WAL after checkpoint)`,
    ['interviews', 'answers/interview', 'messages/interview', 'bytes/interview', `pages a checkpoint copies/interview (per ${CHECKPOINT_WINDOW_INTERVIEWS})`, 'answers/s through InterviewService, one at a time'],
    [[
      String(interviews),
      fmt(growth.driven.answers / interviews, 1),
      fmt(growth.messages / interviews, 1),
      fmtBytes(growth.perInterview),
      fmt(growth.checkpointPages, 1),
      fmt(growth.driven.answers / growth.driven.seconds, 0),
    ]],
  );
  printTable(
    'store: where the bytes go (dbstat, per interview)',
    ['table or index', 'bytes/interview'],
    growth.tables.filter((t) => t.bytes > 0).map((t) => [t.name, fmtBytes(t.bytes / interviews)]),
  );

  const kinds = [...growth.logPages.entries()].sort((a, b) => b[1].length - a[1].length);
  const logPagesPerInterview = kinds.reduce((sum, [, pages]) => sum + pages.reduce((a, b) => a + b, 0), 0) / interviews;
  printTable(
    `store: pages of write-ahead log per write, by what it holds (the same interviews; ${fmt(logPagesPerInterview, 1)} pages per interview)`,
    ['write', 'count', 'pages, mean', 'pages, max', 'pages per interview'],
    kinds.map(([kind, pages]) => [
      kind,
      String(pages.length),
      fmt(pages.reduce((a, b) => a + b, 0) / pages.length, 1),
      String(Math.max(...pages)),
      fmt(pages.reduce((a, b) => a + b, 0) / interviews, 1),
    ]),
  );

  const full = writeRows[0]!;
  const writer = writeRows[3]!;
  const summary = `store: writer thread with 100 interviews at once ${writer[2]} messages/s, ${writer[4]} answers/s (answer p99 ${writer[6]} ms); one at a time at FULL ${full[2]} messages/s; ${fmtBytes(growth.perInterview)} and ${fmt(logPagesPerInterview, 1)} pages of log per completed interview, ${fmt(growth.checkpointPages, 1)} pages a checkpoint copies`;
  console.log(`\n${summary}`);
  return { name: 'store', summary, targets: [] };
}

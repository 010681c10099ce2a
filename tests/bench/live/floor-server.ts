/**
 * The floor: the least a server speaking this protocol can do per answer, on the same socket.io and
 * better-sqlite3 versions as the service. For each answer it writes one SQLite row (WAL, the service's
 * synchronous setting unless FLOOR_SYNCHRONOUS says otherwise), acknowledges, sends a fixed result and
 * the next question. The service's latency divided by this one's is the cost of everything else it
 * does: validation, reads, scoring, three commits instead of one, the report.
 *
 *   PORT=<n> DATABASE_PATH=<file> [FLOOR_SYNCHRONOUS=FULL|NORMAL|OFF] node --import tsx tests/bench/live/floor-server.ts
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Server } from 'socket.io';
import { loadBankFile } from '../../../server/bank/bank-loader.js';
import { DEFAULT_BANK_FILE } from '../support/paths.js';

const QUESTIONS_PER_INTERVIEW = 5;
const synchronous = (process.env.FLOOR_SYNCHRONOUS ?? 'FULL').toUpperCase();
if (!['FULL', 'NORMAL', 'OFF'].includes(synchronous)) throw new Error(`FLOOR_SYNCHRONOUS: FULL, NORMAL or OFF, not ${synchronous}`);

const db = new Database(process.env.DATABASE_PATH ?? 'floor.sqlite');
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.exec('CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, turn_id TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO messages (session_id, turn_id, text, created_at) VALUES (?, ?, ?, ?)');

const questions = loadBankFile(DEFAULT_BANK_FILE).questions;

/** A fixed assessment the size and shape of a typical offline one, so the result frames weigh the same. */
const RESULT = {
  scorer: 'offline',
  overall: 62,
  band: 'good',
  criteria: ['accuracy', 'depth', 'practice', 'communication'].map((id) => ({ id, score: 2, note: 'A fixed note of about the usual length for this criterion.' })),
  covered: [
    { pointId: 'acid-transactions', label: 'ACID transactions and strong consistency', evidence: 'SQL databases like PostgreSQL excel in structured data with ACID compliance' },
    { pointId: 'horizontal-scaling', label: 'Horizontal scaling for high write throughput', evidence: 'horizontal scaling, and high write throughput' },
  ],
  missing: [{ pointId: 'cap-tradeoffs', label: 'CAP theorem trade-offs', core: false }],
  feedback: 'You covered the main trade-off and named real systems. Go further on how partitions force a choice between consistency and availability.',
  latencyMs: 1.2,
};

const http = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404).end();
});
const io = new Server(http, { serveClient: false });

io.on('connection', (socket) => {
  let session: { id: string; index: number; turnId: string; picks: number[] } | undefined;

  const ask = () => {
    const q = questions[session!.picks[session!.index - 1]!]!;
    session!.turnId = randomUUID();
    socket.emit('interviewer:question', {
      turnId: session!.turnId,
      index: session!.index,
      total: QUESTIONS_PER_INTERVIEW,
      kind: 'bank',
      questionId: q.id,
      level: q.level,
      text: q.question,
      softLimitSeconds: 300,
    });
  };

  socket.on('interview:start', (_payload: unknown, ack: (res: unknown) => void) => {
    const picks = Array.from({ length: QUESTIONS_PER_INTERVIEW }, () => Math.floor(Math.random() * questions.length));
    session = { id: randomUUID(), index: 1, turnId: '', picks };
    ack({ ok: true, sessionId: session.id, token: 'floor', total: QUESTIONS_PER_INTERVIEW });
    setImmediate(ask);
  });

  socket.on('answer:submit', (payload: { sessionId: string; turnId: string; text: string }, ack: (res: unknown) => void) => {
    if (!session || payload.turnId !== session.turnId) {
      ack({ ok: false, error: { code: 'CONFLICT', message: 'not the current question' } });
      return;
    }
    insert.run(session.id, payload.turnId, payload.text, new Date().toISOString());
    ack({ ok: true, turnId: payload.turnId });
    socket.emit('assessment:result', { turnId: payload.turnId, assessment: RESULT });
    if (session.index >= QUESTIONS_PER_INTERVIEW) {
      socket.emit('interview:complete', { sessionId: session.id, overall: 62, reportUrl: `/api/sessions/${session.id}/report` });
      session = undefined;
      return;
    }
    session.index += 1;
    ask();
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  console.log(JSON.stringify({ msg: 'floor listening', port: typeof address === 'object' && address ? address.port : 0, synchronous }));
});

process.on('SIGTERM', () => {
  void io.close(() => {
    db.close();
    process.exit(0);
  });
  http.closeAllConnections();
});

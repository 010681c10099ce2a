import { newRowId } from '../../../server/store/row-ids.js';
import type { Assessment } from '../../../server/scoring/assessment.js';
import type { Store } from '../../../server/store/store.js';
import type { NewSession, NewTurn } from '../../../server/store/write-units.js';
import { summarise, type Summary } from '../support/stats.js';

/**
 * The writes the service makes per answer, through the repositories, one transaction each (the
 * service stores the assessment and the next question in one; see runWriterCycles):
 *   answer   transcript.answer (the turn's answer: the candidate message)      -- before the acknowledgement
 *   scored   transcript.markScored + assessments.save                          -- after scoring
 *   ask      transcript.ask (the next turn: the interviewer message)           -- the next question
 * An interview here is a start transaction, 7 answers (5 questions, 2 follow-ups) and a complete.
 */
export interface WriteFigures {
  answers: number;
  messages: number;
  transactions: number;
  seconds: number;
  /** the answer transaction alone: what an acknowledgement waits for, ms */
  answerTx: Summary;
}

const ANSWERS_PER_INTERVIEW = 7;

const now = () => new Date().toISOString();

/** A session as the bench writes it: the shape the service writes, without frozen questions. */
function benchSession(id: string): NewSession {
  return {
    id,
    tokenHash: 'x'.repeat(64),
    candidate: null,
    bankId: 'senior-backend',
    mode: 'practice',
    level: 'mixed',
    topics: [],
    followUps: 1,
    questionIds: ['a', 'b', 'c', 'd', 'e'],
    clientIp: '127.0.0.1',
    createdAt: now(),
    retryOf: null,
    questions: null,
  };
}

/** A bank question turn just asked. */
function benchTurn(sessionId: string, index: number, id: string = newRowId()): NewTurn {
  return {
    id,
    sessionId,
    questionIndex: index,
    questionId: 'sql-vs-nosql',
    kind: 'bank',
    parentTurnId: null,
    pointId: null,
    text: 'What are the key differences between SQL and NoSQL databases, and when would you choose one over the other?',
    askedAt: now(),
  };
}

export function runWriteCycles(store: Store, assessment: Assessment, answerText: string, budgetMs: number, maxAnswers: number): WriteFigures {
  const answerTx: number[] = [];
  let answers = 0;
  let messages = 0;
  let transactions = 0;
  const started = performance.now();
  while (answers < maxAnswers && performance.now() - started < budgetMs) {
    const sessionId = newRowId();
    let turnId = newRowId();
    const turn = (index: number, id: string) => benchTurn(sessionId, index, id);
    store.transaction(() => {
      store.sessions.create(benchSession(sessionId));
      store.transcript.ask(turn(1, turnId));
    });
    transactions += 1;
    messages += 1;
    for (let i = 1; i <= ANSWERS_PER_INTERVIEW; i++) {
      const t = performance.now();
      store.transaction(() => store.transcript.answer(sessionId, turnId, answerText, now()));
      answerTx.push(performance.now() - t);
      store.transaction(() => {
        store.transcript.markScored(sessionId, turnId);
        store.assessments.save(sessionId, turnId, assessment, now());
      });
      answers += 1;
      messages += 1;
      transactions += 2;
      if (i < ANSWERS_PER_INTERVIEW) {
        turnId = newRowId();
        store.transaction(() => store.transcript.ask(turn(Math.ceil(i / 1.4), turnId)));
        messages += 1;
        transactions += 1;
      }
    }
    store.transaction(() => store.sessions.complete(sessionId, 60, now()));
    transactions += 1;
  }
  return { answers, messages, transactions, seconds: (performance.now() - started) / 1000, answerTx: summarise(answerTx) };
}

/**
 * The same interview writes as the service makes them now: through `store.write`, on the writer
 * thread, the answer durable (acknowledged after a WAL fsync shared with whatever else waits for
 * one), then its assessment with the next question in one write that is not. `concurrency`
 * interviews run at once, as candidates do, so durable writes that arrive together share a commit
 * and an fsync.
 */
export async function runWriterCycles(store: Store, assessment: Assessment, answerText: string, budgetMs: number, concurrency: number): Promise<WriteFigures> {
  const answerTx: number[] = [];
  let answers = 0;
  let messages = 0;
  let transactions = 0;
  // the thread takes a moment to load; that is start-up, not write time
  await store.write({ kind: 'complete', sessionId: 'warm-up', overall: 0, completedAt: now() });
  const started = performance.now();
  const pipeline = async () => {
    while (performance.now() - started < budgetMs) {
      const sessionId = newRowId();
      const turn = (index: number) => benchTurn(sessionId, index);
      let current = turn(1);
      await store.write({ kind: 'start', session: benchSession(sessionId), turn: current }, { durable: true });
      transactions += 1;
      messages += 1;
      for (let i = 1; i <= ANSWERS_PER_INTERVIEW; i++) {
        const t = performance.now();
        await store.write({ kind: 'answer', sessionId, turnId: current.id, text: answerText, answeredAt: now() }, { durable: true });
        answerTx.push(performance.now() - t);
        const next = i < ANSWERS_PER_INTERVIEW ? turn(Math.ceil(i / 1.4)) : undefined;
        await store.write({ kind: 'scored', sessionId, turnId: current.id, assessment, scoredAt: now(), ask: next });
        answers += 1;
        messages += next ? 2 : 1;
        transactions += 2;
        if (next) current = next;
      }
      await store.write({ kind: 'complete', sessionId, overall: 60, completedAt: now() });
      transactions += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, pipeline));
  return { answers, messages, transactions, seconds: (performance.now() - started) / 1000, answerTx: summarise(answerTx) };
}

/**
 * Completed interviews written as runWriteCycles writes them, 500 to an outer transaction (each of
 * their own becomes a savepoint): a database with history, as a service has after a while. Its
 * indexes are then hundreds of leaves wide, so where new keys land in them (see
 * server/store/row-ids.ts) shows in what each checkpoint copies.
 */
export function seedHistory(store: Store, assessment: Assessment, answerText: string, interviews: number): void {
  for (let done = 0; done < interviews; done += 500) {
    const answers = Math.min(500, interviews - done) * ANSWERS_PER_INTERVIEW;
    store.transaction(() => runWriteCycles(store, assessment, answerText, Number.POSITIVE_INFINITY, answers));
  }
}

import { resolve } from 'node:path';
import { configFor } from '../../../server/config.js';
import { loadBanks } from '../../../server/bank/bank-loader.js';
import { createModelServices } from '../../../server/model-services.js';
import { InterviewService } from '../../../server/interview/interview-service.js';
import type { InterviewEvents } from '../../../server/interview/interview-events.js';
import { ReportService } from '../../../server/reports/report-service.js';
import { silentLogger } from '../../../server/logger.js';
import type { QuestionEvent } from '../../../server/realtime/contract.js';
import type { Store } from '../../../server/store/store.js';
import { AnswerBook, seededRandom } from '../live/answers.js';
import { REPO_ROOT } from '../support/paths.js';

export interface DriveFigures {
  interviews: number;
  answers: number;
  seconds: number;
}

/**
 * Complete interviews through the real InterviewService (offline scorer, reports, every write), with no
 * sockets: what one interview leaves in the database, and how fast the core runs without transport.
 */
export async function driveInterviews(store: Store, count: number, seed: number): Promise<DriveFigures> {
  const config = configFor({ DATABASE_PATH: ':memory:', SCORER: 'offline', BANKS_DIR: resolve(REPO_ROOT, 'data/banks'), MAX_SESSIONS_PER_IP: 0 });
  const banks = loadBanks(config.BANKS_DIR);
  const book = new AnswerBook(banks.defaultBank().questions);
  const random = seededRandom(seed);
  const pending = new Map<string, QuestionEvent>();
  const completed = new Set<string>();
  const events: InterviewEvents = {
    question: (sessionId, q) => pending.set(sessionId, q),
    delta: () => {},
    result: () => {},
    complete: (sessionId) => completed.add(sessionId),
  };
  const { scorer } = createModelServices(config, silentLogger);
  const reports = new ReportService(store, banks, silentLogger);
  const service = new InterviewService({ config, store, banks, scorer, events, logger: silentLogger, reports });

  let answers = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const { result, first } = await service.start({ mode: 'practice', questionCount: 5, followUps: 1 }, { clientIp: '127.0.0.1' });
    const id = result.sessionId;
    pending.set(id, first);
    // bounded: 5 questions with at most one follow-up each is 10 answers
    for (let step = 0; step < 20 && !completed.has(id); step++) {
      const q = pending.get(id)!;
      // awaited so a service that acknowledges after a group commit is measured the same way
      await service.submitAnswer(id, q.turnId, book.answer(q, random).text);
      answers += 1;
      await service.advance(id);
      if (!completed.has(id) && pending.get(id)!.turnId === q.turnId) throw new Error(`interview ${id} did not move past turn ${q.turnId}`);
    }
    if (!completed.has(id)) throw new Error(`interview ${id} did not complete`);
    pending.delete(id);
  }
  return { interviews: count, answers, seconds: (performance.now() - started) / 1000 };
}

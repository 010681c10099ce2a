import { io } from 'socket.io-client';
import type { AnswerBook } from './answers.js';
import { DisconnectedError, Inbox, TimeoutError, type BenchSocket } from './inbox.js';

/** What every candidate adds to; the generator reports it once at the end. */
export interface LoadStats {
  /** [submitted at, ms since launch; answer:submit emitted -> its assessment:result received, ms] */
  resultMs: Array<[number, number]>;
  /** [submitted at; answer:submit emitted -> its acknowledgement, ms] */
  ackMs: Array<[number, number]>;
  /** [submitted at; answer:submit emitted -> the next interviewer:question received, ms]; not for an interview's last answer */
  questionMs: Array<[number, number]>;
  answers: number;
  followUpQuestions: number;
  interviewsStarted: number;
  interviewsCompleted: number;
  /** error acknowledgements by code */
  errorAcks: Record<string, number>;
  /** connections the server dropped while the candidate still needed them */
  disconnects: number;
  timeouts: Record<string, number>;
  /** anything else that ended a candidate early, by message */
  otherErrors: Record<string, number>;
  /** io() -> 'connect' (socket.io handshake done), ms, for connects that succeeded */
  connectMs: number[];
  /** failed connects, by the client's error message */
  connectErrors: Record<string, number>;
  /** performance.now() of the first submit and of the last result, for the achieved rate */
  firstSubmitAt: number;
  lastResultAt: number;
}

export function emptyStats(): LoadStats {
  return {
    resultMs: [],
    ackMs: [],
    questionMs: [],
    answers: 0,
    followUpQuestions: 0,
    interviewsStarted: 0,
    interviewsCompleted: 0,
    errorAcks: {},
    disconnects: 0,
    timeouts: {},
    otherErrors: {},
    connectMs: [],
    connectErrors: {},
    firstSubmitAt: Infinity,
    lastResultAt: 0,
  };
}

export interface CandidatePlan {
  url: string;
  book: AnswerBook;
  random: () => number;
  /** think time before each answer, uniform in [min, max] ms */
  thinkMs: readonly [number, number];
  /** wait before connecting, so N candidates do not all connect in the same millisecond */
  startDelayMs: number;
  /** performance.now() when the generator launched; sample times are relative to it */
  launchedAt: number;
  /** no new interview starts after this performance.now() time; the one under way finishes */
  stopStartingAt: number;
  /** at most this many interviews per candidate */
  maxInterviews: number;
  /** for any single awaited event or acknowledgement */
  timeoutMs: number;
  /** the interview the candidate asks for */
  start: { mode: 'practice' | 'realistic'; questionCount: number; followUps: number };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * One simulated candidate: connect, start an interview, and for every question think, answer and wait
 * for the score, until the interview completes; repeat while time allows. Any error ends the candidate
 * (it cannot continue an interview whose answer went unscored) and is counted.
 */
export async function runCandidate(plan: CandidatePlan, stats: LoadStats): Promise<void> {
  await sleep(plan.startDelayMs);
  const connecting = performance.now();
  const socket: BenchSocket = io(plan.url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: plan.timeoutMs });
  const inbox = new Inbox(socket);
  let leaving = false;
  socket.on('disconnect', () => {
    if (leaving) return;
    stats.disconnects += 1;
    inbox.fail(new DisconnectedError('disconnected'));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    stats.connectMs.push(performance.now() - connecting);
  } catch (err) {
    count(stats.connectErrors, (err as Error).message);
    socket.close();
    return;
  }

  const think = () => plan.thinkMs[0] + plan.random() * (plan.thinkMs[1] - plan.thinkMs[0]);
  try {
    for (let n = 0; n < plan.maxInterviews && performance.now() < plan.stopStartingAt; n++) {
      const started = await socket.timeout(plan.timeoutMs).emitWithAck('interview:start', plan.start).catch(() => {
        throw new TimeoutError('start ack');
      });
      if (!started.ok) {
        count(stats.errorAcks, `start:${started.error.code}`);
        return;
      }
      stats.interviewsStarted += 1;
      let question = (await inbox.next(['interviewer:question'], plan.timeoutMs)).payload;
      for (;;) {
        if (question.kind === 'follow-up') stats.followUpQuestions += 1;
        await sleep(think());
        const { text } = plan.book.answer(question, plan.random);
        const turnId: string = question.turnId;
        const sentAt = performance.now();
        stats.firstSubmitAt = Math.min(stats.firstSubmitAt, sentAt);
        const ack = socket
          .timeout(plan.timeoutMs)
          .emitWithAck('answer:submit', { sessionId: started.sessionId, turnId, text })
          .then(
            (res) => {
              stats.ackMs.push([sentAt - plan.launchedAt, performance.now() - sentAt]);
              if (!res.ok) count(stats.errorAcks, `submit:${res.error.code}`);
              return res.ok;
            },
            () => {
              count(stats.timeouts, 'submit ack');
              return false;
            },
          );
        const result = inbox.next(['assessment:result'], plan.timeoutMs, (p) => p.turnId === turnId);
        // an error ack means no result will come: stop waiting for it
        const acked = await Promise.race([ack, result.then(() => true)]);
        if (!acked) {
          result.catch(() => {});
          return;
        }
        const scored = await result;
        stats.resultMs.push([sentAt - plan.launchedAt, scored.at - sentAt]);
        stats.lastResultAt = Math.max(stats.lastResultAt, scored.at);
        stats.answers += 1;
        await ack;
        const next = await inbox.next(['interviewer:question', 'interview:complete'], plan.timeoutMs);
        if (next.name === 'interview:complete') {
          stats.interviewsCompleted += 1;
          break;
        }
        stats.questionMs.push([sentAt - plan.launchedAt, next.at - sentAt]);
        question = next.payload;
      }
    }
  } catch (err) {
    if (err instanceof TimeoutError) count(stats.timeouts, err.stage);
    else if (!(err instanceof DisconnectedError)) count(stats.otherErrors, (err as Error).message);
  } finally {
    leaving = true;
    socket.close();
  }
}

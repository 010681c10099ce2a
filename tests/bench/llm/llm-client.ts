import { io } from 'socket.io-client';
import { DisconnectedError, Inbox, type BenchSocket } from '../live/inbox.js';
import { answerMarker } from './model-replies.js';

export interface LlmAnswerTiming {
  marker: number;
  submittedAt: number;
  firstDeltaAt?: number;
  resultAt?: number;
  scorer?: string;
}

const TIMEOUT_MS = 30_000;
/** ms since the epoch, comparable with the fake model's stamps from its own process */
const epochNow = () => performance.timeOrigin + performance.now();

/**
 * One candidate answering `answers` questions back to back (no think time: the fake's 300 ms is the
 * wait), recording when each first delta and the result arrive. Markers come from `nextMarker` so the
 * fake's request log can be joined to these timings.
 */
export async function answerWithLlm(url: string, answers: number, nextMarker: () => number, texts: readonly string[]): Promise<LlmAnswerTiming[]> {
  const socket: BenchSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: TIMEOUT_MS });
  const inbox = new Inbox(socket);
  const timings: LlmAnswerTiming[] = [];
  const byTurn = new Map<string, LlmAnswerTiming>();
  // deltas are timed here: the inbox drops them, and only the first one per turn matters
  socket.on('assessment:delta', ({ turnId }) => {
    const t = byTurn.get(turnId);
    if (t && t.firstDeltaAt === undefined) t.firstDeltaAt = epochNow();
  });
  socket.on('disconnect', () => inbox.fail(new DisconnectedError('disconnected')));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  try {
    while (timings.length < answers) {
      const started = await socket.timeout(TIMEOUT_MS).emitWithAck('interview:start', { mode: 'practice', questionCount: 5, followUps: 0 });
      if (!started.ok) throw new Error(`interview:start: ${started.error.code}`);
      let q = (await inbox.next(['interviewer:question'], TIMEOUT_MS)).payload;
      while (timings.length < answers) {
        const marker = nextMarker();
        const timing: LlmAnswerTiming = { marker, submittedAt: epochNow() };
        byTurn.set(q.turnId, timing);
        timings.push(timing);
        const text = `${texts[marker % texts.length]} ${answerMarker(marker)}`;
        const ack = await socket.timeout(TIMEOUT_MS).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text });
        if (!ack.ok) throw new Error(`answer:submit: ${ack.error.code}`);
        const turnId: string = q.turnId;
        const result = await inbox.next(['assessment:result'], TIMEOUT_MS, (p) => p.turnId === turnId);
        timing.resultAt = performance.timeOrigin + result.at;
        timing.scorer = result.payload.assessment.scorer;
        const next = await inbox.next(['interviewer:question', 'interview:complete'], TIMEOUT_MS);
        if (next.name === 'interview:complete') break;
        q = next.payload;
      }
    }
  } finally {
    socket.close();
  }
  return timings;
}

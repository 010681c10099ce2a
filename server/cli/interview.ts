import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import type {
  Ack,
  AssessmentEvent,
  ClientToServerEvents,
  LevelChoice,
  Mode,
  QuestionEvent,
  ServerToClientEvents,
  StartPayload,
} from '../realtime/contract.js';
import { LEVEL_CHOICES, MODES } from '../realtime/contract.js';

/**
 * The terminal client: sit an interview in a shell, over the same socket.io contract as the web client.
 *   npm run interview -- [--url http://localhost:3000] [--level mixed] [--count 5] [--mode practice] [--name Ada]
 * An answer ends at an empty line. Type /finish on its own line to end the interview early.
 */
const USAGE = `usage: npm run interview -- [--url URL] [--level ${LEVEL_CHOICES.join('|')}] [--count N] [--mode ${MODES.join('|')}]
                             [--follow-ups 0..3] [--name NAME] [--resume SESSION_ID --token TOKEN]`;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function printAssessment({ assessment: a }: AssessmentEvent): void {
  const lines = [`${bold(`Score ${a.overall}/100`)} (${a.band})${a.fallbackReason ? dim(' · built-in scorer (fallback)') : ''}`];
  for (const c of a.covered) lines.push(`  ✓ ${c.label}: “${c.evidence}”`);
  for (const m of a.missing) lines.push(`  ✗ ${m.label}${m.core ? ' (core)' : ''}`);
  if (a.feedback) lines.push(`  ${a.feedback}`);
  console.log(`\n${lines.join('\n')}\n`);
}

function printQuestion(q: QuestionEvent): void {
  const where = `Question ${q.index} of ${q.total}${q.kind === 'follow-up' ? ' · follow-up' : ''} · ${q.level}`;
  console.log(`\n${dim(where)}\n${bold(q.text)}\n${dim('(answer, then an empty line; /finish ends the interview)')}`);
}

async function ack<T extends object>(p: Promise<Ack<T>>): Promise<T> {
  const res = await p;
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        url: { type: 'string', default: 'http://localhost:3000' },
        level: { type: 'string', default: 'mixed' },
        count: { type: 'string', default: '5' },
        mode: { type: 'string', default: 'practice' },
        'follow-ups': { type: 'string', default: '1' },
        name: { type: 'string' },
        resume: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!LEVEL_CHOICES.includes(args.level as LevelChoice) || !MODES.includes(args.mode as Mode) || (args.resume && !args.token)) {
    console.error(USAGE);
    return 2;
  }

  const socket: Client = connect(args.url, { transports: ['websocket'], reconnectionAttempts: 5 });
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const lineWaiters: Array<(line: string | null) => void> = [];
  let inputClosed = false;
  rl.on('line', (l) => (lineWaiters.length ? lineWaiters.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    inputClosed = true;
    for (const w of lineWaiters.splice(0)) w(null);
  });
  const nextLine = () =>
    new Promise<string | null>((resolve) => {
      if (lines.length) resolve(lines.shift()!);
      else if (inputClosed) resolve(null);
      else lineWaiters.push(resolve);
    });

  let sessionId = args.resume ?? '';
  let token = args.token ?? '';
  let pending: QuestionEvent | null = null;
  let onQuestion: (() => void) | null = null;
  const done = new Promise<number>((resolve) => {
    socket.on('interview:complete', (c) => {
      console.log(`\n${bold(`Interview complete: ${c.overall}/100`)}\nReport: ${new URL(c.reportUrl, args.url).href}?format=html`);
      console.log(dim(`(send the header "Authorization: Bearer ${token}")`));
      resolve(0);
    });
    socket.on('connect_error', (err) => {
      if (!socket.active) {
        console.error(`cannot connect to ${args.url}: ${err.message}`);
        resolve(1);
      }
    });
  });
  socket.on('interviewer:question', (q) => {
    pending = q;
    onQuestion?.();
  });
  socket.on('assessment:result', printAssessment);
  // after a dropped connection, rejoin the session so answers are accepted again
  socket.io.on('reconnect', () => {
    if (sessionId && token) void socket.timeout(10_000).emitWithAck('interview:resume', { sessionId, token });
  });

  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  try {
    if (args.resume) {
      const state = await ack(socket.timeout(10_000).emitWithAck('interview:resume', { sessionId, token }));
      console.log(dim(`Resumed: ${state.transcript.length} messages so far.`));
      pending = state.pending;
      if (state.status === 'complete') {
        console.log('This interview is already complete.');
        socket.close();
        return 0;
      }
    } else {
      const payload: StartPayload = {
        level: args.level as LevelChoice,
        questionCount: Number(args.count),
        mode: args.mode as Mode,
        followUps: Number(args['follow-ups']),
        ...(args.name ? { candidate: args.name } : {}),
      };
      const started = await ack(socket.timeout(10_000).emitWithAck('interview:start', payload));
      ({ sessionId, token } = started);
      console.log(dim(`Session ${sessionId}. To resume later: --resume ${sessionId} --token ${token}`));
    }
  } catch (err) {
    console.error((err as Error).message);
    socket.close();
    return 1;
  }

  const answering = (async () => {
    for (;;) {
      if (!pending) await new Promise<void>((resolve) => (onQuestion = resolve));
      const q = pending!;
      pending = null;
      printQuestion(q);
      const answer: string[] = [];
      for (;;) {
        const line = await nextLine();
        if (line === null || line.trim() === '/finish') {
          const fin = await socket.timeout(30_000).emitWithAck('interview:finish', { sessionId });
          if (!fin.ok) console.error(`${fin.error.code}: ${fin.error.message}`);
          return;
        }
        if (line.trim() === '' && answer.length) break;
        if (line.trim() !== '') answer.push(line);
      }
      const res = await socket.timeout(30_000).emitWithAck('answer:submit', { sessionId, turnId: q.turnId, text: answer.join('\n') });
      if (!res.ok) {
        console.error(`${res.error.code}: ${res.error.message}`);
        pending = q;
      } else if (args.mode === 'practice') {
        console.log(dim('scoring…'));
      }
    }
  })();

  const code = await Promise.race([done, answering.then(() => done)]);
  rl.close();
  socket.close();
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);

import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError, describeIssues, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import { perAddressLimitsApply } from '../client-address.js';
import type { InterviewService } from '../interview/interview-service.js';
import type { InterviewEvents } from '../interview/interview-events.js';
import {
  FinishPayloadSchema,
  ResumePayloadSchema,
  StartPayloadSchema,
  SubmitPayloadSchema,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from './contract.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

export interface SocketData {
  /** sessions this connection started or resumed with the token; only these may take answers */
  sessions: Set<string>;
  clientIp: string;
  answers: SlidingWindowCounter;
  starts: SlidingWindowCounter;
}

/** Interviews one connection may start a minute while MAX_SESSIONS_PER_IP is on. */
const STARTS_PER_MINUTE = 10;

export type InterviewServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type InterviewSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const room = (sessionId: string) => `session:${sessionId}`;

/** Delivers interview events to every connection that holds the session. */
export function socketEvents(io: InterviewServer): InterviewEvents {
  return {
    question: (id, p) => io.to(room(id)).emit('interviewer:question', p),
    delta: (id, p) => io.to(room(id)).emit('assessment:delta', p),
    result: (id, p) => io.to(room(id)).emit('assessment:result', p),
    complete: (id, p) => io.to(room(id)).emit('interview:complete', p),
  };
}

/**
 * One wrapper for every handler: an event without an acknowledgement callback is ignored (there is
 * nobody to answer); the payload is validated; any throw becomes a coded error acknowledgement.
 * socket.io passes the callback last, so it is looked for there: an event with no payload or extra
 * arguments before its callback gets BAD_REQUEST instead of leaving the client waiting forever.
 */
function handle<S extends z.ZodType, R extends object>(
  logger: Logger,
  schema: S,
  fn: (payload: z.infer<S>) => R | Promise<R>,
) {
  return async (...args: unknown[]): Promise<void> => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') return;
    const reply = ack as (res: Ack<R>) => void;
    if (args.length !== 2) {
      reply({ ok: false, error: { code: 'BAD_REQUEST', message: `(root): expected one payload and an acknowledgement, got ${args.length - 1} payload arguments` } });
      return;
    }
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      reply({ ok: false, error: { code: 'BAD_REQUEST', message: describeIssues(parsed.error.issues) } });
      return;
    }
    try {
      reply({ ok: true, ...(await fn(parsed.data)) });
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.code === 'INTERNAL') logger.error({ err }, 'socket handler failed');
      reply({ ok: false, error: appErr.toJSON() });
    }
  };
}

export function clientIpOf(socket: Socket): string {
  return socket.handshake.address || 'unknown';
}

/** Thin handlers: validate, call the interview service, acknowledge, join the session's room. */
export function registerSocketHandlers(io: InterviewServer, service: InterviewService, config: Config, logger: Logger): void {
  const connectionsByIp = new Map<string, number>();
  let loopbackSeen = false;

  io.use((socket, next) => {
    const ip = clientIpOf(socket);
    if (!perAddressLimitsApply(config, ip)) {
      if (!loopbackSeen) {
        loopbackSeen = true;
        logger.warn(
          { ip },
          'a client on this machine connected: it is exempt from the per-address limits (LIMIT_LOOPBACK=off). Behind a reverse proxy on this host that exempts every client; limit at the proxy.',
        );
      }
      next();
      return;
    }
    const open = connectionsByIp.get(ip) ?? 0;
    if (config.MAX_CONNECTIONS_PER_IP > 0 && open >= config.MAX_CONNECTIONS_PER_IP) {
      next(new AppError('RATE_LIMITED', 'Too many connections from this address.'));
      return;
    }
    connectionsByIp.set(ip, open + 1);
    socket.once('disconnect', () => {
      const n = (connectionsByIp.get(ip) ?? 1) - 1;
      if (n <= 0) connectionsByIp.delete(ip);
      else connectionsByIp.set(ip, n);
    });
    next();
  });

  io.on('connection', (socket: InterviewSocket) => {
    socket.data.sessions = new Set();
    socket.data.clientIp = clientIpOf(socket);
    socket.data.answers = new SlidingWindowCounter(60_000);
    socket.data.starts = new SlidingWindowCounter(60_000);

    const hold = (sessionId: string) => {
      socket.data.sessions.add(sessionId);
      void socket.join(room(sessionId));
    };
    const requireHeld = (sessionId: string) => {
      if (!socket.data.sessions.has(sessionId)) {
        throw new AppError('UNAUTHORIZED', 'This connection has not joined that interview. Resume it with its token first.');
      }
    };

    socket.on(
      'interview:start',
      handle(logger, StartPayloadSchema, async (payload) => {
        // starting is cheap to ask for and leaves rows behind; a person starts a few an hour at most
        const limited = perAddressLimitsApply(config, socket.data.clientIp);
        if (limited && config.MAX_SESSIONS_PER_IP > 0) {
          if (socket.data.starts.count() >= STARTS_PER_MINUTE) throw new AppError('RATE_LIMITED', 'Too many interviews started. Try again in a minute.');
          socket.data.starts.add();
        }
        const { result, first } = await service.start(payload, { clientIp: socket.data.clientIp, exempt: !limited });
        hold(result.sessionId);
        // the acknowledgement goes first, so the client knows its session before the question arrives
        setImmediate(() => socket.emit('interviewer:question', first));
        return result;
      }),
    );

    socket.on(
      'interview:resume',
      handle(logger, ResumePayloadSchema, async ({ sessionId, token }) => {
        service.authenticate(sessionId, token);
        hold(sessionId);
        return service.resume(sessionId, token);
      }),
    );

    socket.on(
      'answer:submit',
      handle(logger, SubmitPayloadSchema, ({ sessionId, turnId, text }) => {
        requireHeld(sessionId);
        if (config.ANSWERS_PER_MINUTE > 0 && perAddressLimitsApply(config, socket.data.clientIp)) {
          if (socket.data.answers.count() >= config.ANSWERS_PER_MINUTE) {
            throw new AppError('RATE_LIMITED', `At most ${config.ANSWERS_PER_MINUTE} answers a minute. Take a breath and try again.`);
          }
          socket.data.answers.add();
        }
        return service.submitAnswer(sessionId, turnId, text);
      }),
    );

    socket.on(
      'interview:finish',
      handle(logger, FinishPayloadSchema, async ({ sessionId }) => {
        requireHeld(sessionId);
        return service.finish(sessionId);
      }),
    );
  });
}

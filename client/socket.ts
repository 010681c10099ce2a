import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ErrorBody, ServerToClientEvents } from '../server/realtime/contract.js';

export type InterviewSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type EventName = keyof ClientToServerEvents;
type PayloadOf<E extends EventName> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends EventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** How long to wait for an acknowledgement before telling the candidate something is wrong. */
const ACK_TIMEOUT_MS = 20_000;

export function connect(): InterviewSocket {
  // Same origin: the server serves this page and socket.io; Vite's dev server proxies /socket.io.
  return io({ autoConnect: true, reconnectionDelayMax: 5_000 });
}

/**
 * Emits an event and resolves with its acknowledgement. Never rejects: a missing connection or a
 * timed-out ack comes back as an error ack, so callers handle one shape.
 *
 * Emitting while disconnected is refused instead of buffered: socket.io would replay the packet on
 * the new connection, which the server has not authorised for this session until it resumes.
 */
export function request<E extends EventName>(
  socket: InterviewSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<AckOf<E>> {
  if (!socket.connected) {
    return Promise.resolve(failure('UNAVAILABLE', 'Not connected to the server. Reconnecting…') as AckOf<E>);
  }
  return new Promise((resolve) => {
    const emitter = socket.timeout(timeoutMs) as unknown as {
      emit(event: string, payload: unknown, ack: (err: Error | null, res: unknown) => void): void;
    };
    emitter.emit(event, payload, (err, res) => {
      if (err) {
        const message = socket.connected
          ? 'The server did not respond in time. Please try again.'
          : 'The connection dropped before the server confirmed. Reconnecting…';
        resolve(failure('UNAVAILABLE', message) as AckOf<E>);
      } else if (isAck(res)) {
        resolve(res as AckOf<E>);
      } else {
        resolve(failure('INTERNAL', 'The server sent an unexpected reply.') as AckOf<E>);
      }
    });
  });
}

function failure(code: ErrorBody['code'], message: string): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code, message } };
}

function isAck(value: unknown): value is { ok: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** A short human sentence for an error ack, with the code kept for support and tests. */
export function describeError(error: ErrorBody): string {
  const message = error.message?.trim() || 'Something went wrong.';
  return `${message} (${error.code})`;
}

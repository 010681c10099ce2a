import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../server/realtime/contract.js';

export type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Name = keyof ServerToClientEvents;

export interface Received {
  name: Name;
  payload: any;
  /** performance.now() when the event arrived, before any promise hop, so waiting code adds no latency */
  at: number;
}

export class TimeoutError extends Error {
  constructor(readonly stage: string) {
    super(`timed out waiting for ${stage}`);
  }
}

export class DisconnectedError extends Error {}

/**
 * Server events for one candidate, queued until the candidate's script asks for them. Streamed deltas
 * are dropped: the offline scorer sends none and the live bench does not measure them.
 */
export class Inbox {
  private readonly queued: Received[] = [];
  private waiters: Array<{ names: readonly Name[]; match: (p: any) => boolean; resolve: (r: Received) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];

  constructor(socket: BenchSocket) {
    socket.onAny((name: Name, payload: unknown) => {
      if (name !== 'assessment:delta') this.push({ name, payload, at: performance.now() });
    });
  }

  private push(event: Received): void {
    const i = this.waiters.findIndex((w) => w.names.includes(event.name) && w.match(event.payload));
    if (i < 0) {
      this.queued.push(event);
      return;
    }
    const [w] = this.waiters.splice(i, 1);
    clearTimeout(w!.timer);
    w!.resolve(event);
  }

  /** The first event named one of `names` (and matching), queued or still to come. */
  next(names: readonly Name[], timeoutMs: number, match: (payload: any) => boolean = () => true): Promise<Received> {
    const i = this.queued.findIndex((e) => names.includes(e.name) && match(e.payload));
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new TimeoutError(names.join('|')));
      }, timeoutMs);
      this.waiters.push({ names, match, resolve, reject, timer });
    });
  }

  /** Fails every waiter, e.g. when the connection drops. */
  fail(err: Error): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}

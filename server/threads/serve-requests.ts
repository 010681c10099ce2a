import { parentPort } from 'node:worker_threads';
import type { WorkerMessage, WorkerReply } from './worker-client.js';

/**
 * The worker side of WorkerClient for a thread that answers one request at a time. The requests of
 * one message are answered in one message, so the event loop is woken once for all of them.
 * `onClose` runs when the thread is told to finish (to close what the handler holds open).
 */
export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>, onClose?: () => void): void {
  const port = parentPort!;
  port.on('message', async (message: WorkerMessage<Req>) => {
    if ('close' in message) {
      onClose?.();
      port.close();
      return;
    }
    const replies: WorkerReply<Res>[] = [];
    for (const { id, request } of message.requests) {
      try {
        replies.push({ id, result: await handle(request) });
      } catch (err) {
        replies.push({ id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    port.postMessage(replies);
  });
}

import { parentPort } from 'node:worker_threads';
import type { WorkerMessage, WorkerReply } from './worker-client.js';

/** The worker side of WorkerClient for a thread that answers one request at a time. */
export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort!;
  port.on('message', async (message: WorkerMessage<Req>) => {
    if ('close' in message) {
      port.close();
      return;
    }
    let reply: WorkerReply<Res>;
    try {
      reply = { id: message.id, result: await handle(message.request) };
    } catch (err) {
      reply = { id: message.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}

import { parentPort } from 'node:worker_threads';
import type { WorkerMessage, WorkerReply } from '../../server/threads/worker-client.js';

/**
 * A worker for WorkerClient's tests. Each request is answered with how many requests came in its
 * message; 'fail' is answered with an error, and 'exit' ends the thread without answering anything
 * in its message.
 */
export type ProbeRequest = 'size' | 'fail' | 'exit';

const port = parentPort!;
port.on('message', (message: WorkerMessage<ProbeRequest>) => {
  if ('close' in message) return port.close();
  if (message.requests.some((r) => r.request === 'exit')) process.exit(3);
  const size = message.requests.length;
  const replies: WorkerReply<number>[] = message.requests.map(({ id, request }) =>
    request === 'fail' ? { id, error: `failed in a message of ${size}` } : { id, result: size },
  );
  port.postMessage(replies);
});

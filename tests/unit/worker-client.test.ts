import { afterEach, describe, expect, it } from 'vitest';
import { WorkerClient } from '../../server/threads/worker-client.js';
import type { ProbeRequest } from '../support/probe-worker.js';

/**
 * WorkerClient against a real thread (tests/support/probe-worker.ts), which tells each request how
 * many requests shared its message: the requests of one turn of the event loop go together, yet
 * each is answered, fails or is refused alone.
 */

const clients: WorkerClient<unknown, number>[] = [];
function probe(): WorkerClient<unknown, number> {
  const client = new WorkerClient<unknown, number>(new URL('../support/probe-worker.ts', import.meta.url), null);
  clients.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const size: ProbeRequest = 'size';

describe('WorkerClient', () => {
  it('sends the requests of one turn in one message, and those of the next turn in another', async () => {
    const client = probe();
    const first = Array.from({ length: 25 }, () => client.request(size));
    const second = await new Promise<Promise<number>[]>((resolve) => setImmediate(() => resolve([client.request(size), client.request(size)])));
    expect(await Promise.all(first)).toEqual(Array(25).fill(25));
    expect(await Promise.all(second)).toEqual([2, 2]);
  });

  it('sends at once when asked to, with whatever the turn had queued', async () => {
    const client = probe();
    const queued = [client.request(size), client.request(size)];
    const now = client.request(size, { now: true });
    // sent already: a request made after it in the same turn goes in a message of its own
    const later = client.request(size);
    expect(await Promise.all([...queued, now])).toEqual([3, 3, 3]);
    expect(await later).toBe(1);
  });

  it('fails only the request that cannot be copied to the thread, and only the request that failed there', async () => {
    const client = probe();
    const results = await Promise.allSettled([
      client.request(size),
      client.request({ describe: () => 'a function cannot cross to a thread' }),
      client.request('fail' satisfies ProbeRequest),
      client.request(size),
    ]);
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { name: 'DataCloneError' } });
    // the rest went one by one, once the batch could not be copied
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: { message: 'failed in a message of 1' } });
    expect(results[3]).toEqual({ status: 'fulfilled', value: 1 });
    // and the thread still answers
    expect(await Promise.all([client.request(size), client.request(size)])).toEqual([2, 2]);
  });

  it('rejects every request of a thread that dies, and the next request starts a new thread', async () => {
    const client = probe();
    const lost = [client.request(size), client.request('exit' satisfies ProbeRequest), client.request(size)];
    for (const r of await Promise.allSettled(lost)) {
      expect(r).toMatchObject({ status: 'rejected', reason: { message: 'worker thread stopped (exit code 3)' } });
    }
    expect(await Promise.all([client.request(size), client.request(size)])).toEqual([2, 2]);
  });

  it('answers what it was asked before close, then refuses', async () => {
    const client = probe();
    const asked = [client.request(size), client.request(size)];
    await client.close();
    expect(await Promise.all(asked)).toEqual([2, 2]);
    await expect(client.request(size)).rejects.toThrow('the worker is closed');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * Node child processes for benchmarks: the service, the floor server and the load generator each run
 * in their own process so the figures of one are not paid for by the other's event loop.
 */
export interface NodeChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** resolves with the exit code (null after a signal) */
  readonly exited: Promise<number | null>;
  /** the last lines the child wrote to stdout and stderr, for error messages */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string>;
  /** called for every stdout line */
  onLine?: (line: string) => void;
  /** called for every stderr line */
  onErrLine?: (line: string) => void;
  /** pin the process (and V8's helper threads) to this CPU with taskset, for one-core figures */
  pinCpu?: number;
}

const live = new Set<ChildProcess>();
let cleanupInstalled = false;

/** Children die with the benchmark, however it ends: a bench must never leave servers behind. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes`);
      process.exit(130);
    });
  }
}

const TAIL_LINES = 40;

/**
 * Starts `node <nodeArgs>` through bash so the open-file limit can be raised to the hard limit first:
 * 1,000 sockets plus SQLite files need more than a default 1,024. `exec` keeps the pid, so /proc
 * figures and signals reach node itself.
 */
export function spawnNode(nodeArgs: readonly string[], options: SpawnOptions): NodeChild {
  installCleanup();
  const pin = options.pinCpu === undefined ? '' : `taskset -c ${options.pinCpu} `;
  const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${pin}"$0" "$@"`, process.execPath, ...nodeArgs], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start node ${nodeArgs.join(' ')}`);
  live.add(child);
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line.length > 500 ? `${line.slice(0, 500)}...` : line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    keep(line);
    options.onLine?.(line);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    keep(line);
    options.onErrLine?.(line);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  return {
    child,
    pid: child.pid,
    exited,
    tail: () => tail.join('\n'),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A port that was free a moment ago on 127.0.0.1 (the service logs its port only at info level). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `url` until it answers 2xx; fails early when the child exits, and after `timeoutMs`. */
export async function waitForHttp(url: string, proc: NodeChild, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`child exited before ${url} answered:\n${proc.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${proc.tail()}`);
}

/** Runs a child to completion and returns the JSON it printed on a `RESULT ` line. */
export async function runForResult<T>(nodeArgs: readonly string[], options: SpawnOptions & { timeoutMs: number; label: string }): Promise<T> {
  let result: T | undefined;
  const proc = spawnNode(nodeArgs, {
    ...options,
    onLine: (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as T;
      else options.onLine?.(line);
    },
  });
  const timer = setTimeout(() => {
    console.error(`bench: ${options.label} ran past ${options.timeoutMs} ms; killing it`);
    proc.child.kill('SIGKILL');
  }, options.timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (result === undefined) throw new Error(`${options.label} exited (${code}) without a result:\n${proc.tail()}`);
  return result;
}

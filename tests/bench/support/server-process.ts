import { join } from 'node:path';
import { freePort, spawnNode, waitForHttp, type NodeChild } from './child-process.js';
import { scratchDir } from './temp-dir.js';
import { REPO_ROOT } from './paths.js';

/** A server under test in its own process, listening on 127.0.0.1. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly proc: NodeChild;
  readonly dbPath: string;
  /** graceful stop (SIGTERM), then removes the scratch folder */
  stop(): Promise<void>;
}

/**
 * Every limit the service has, off: the load generator is one IP making thousands of connections and
 * answers. Loopback is exempt by default anyway (LIMIT_LOOPBACK); off here, the run does not depend on that.
 */
export const LIMITS_OFF = {
  ANSWERS_PER_MINUTE: '0',
  MAX_CONNECTIONS_PER_IP: '0',
  MAX_SESSIONS_PER_IP: '0',
  HTTP_RATE_LIMIT_PER_MINUTE: '0',
} as const;

export interface ServiceOptions {
  /** repository to run `server/main.ts` from; default this one (a scratch copy tests a change) */
  root?: string;
  /** extra env, e.g. SCORER=llm and OPENAI_BASE_URL */
  env?: Record<string, string>;
  /** node flags before `--import tsx`, e.g. --cpu-prof, --expose-gc */
  nodeArgs?: readonly string[];
  onErrLine?: (line: string) => void;
}

/**
 * Starts the real service: `node --import tsx server/main.ts` with a fresh SQLite file and the offline
 * scorer unless told otherwise. The port is chosen here because main.ts logs it at info level and the
 * bench runs the service at LOG_LEVEL=warn; readiness is GET /api/health answering.
 */
export async function startService(options: ServiceOptions = {}): Promise<ServerProcess> {
  const root = options.root ?? REPO_ROOT;
  const scratch = scratchDir('service');
  const dbPath = join(scratch.path, 'bench.sqlite');
  const port = await freePort();
  const proc = spawnNode([...(options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: dbPath,
      LOG_LEVEL: 'warn',
      SCORER: 'offline',
      ...LIMITS_OFF,
      ...options.env,
    },
    ...(options.onErrLine ? { onErrLine: options.onErrLine } : {}),
  });
  return whenReady(proc, port, '/api/health', dbPath, scratch);
}

/** The floor: a bare socket.io + SQLite server speaking the same protocol (tests/bench/live/floor-server.ts). */
export async function startFloor(options: { synchronous: string; nodeArgs?: readonly string[] }): Promise<ServerProcess> {
  const scratch = scratchDir('floor');
  const dbPath = join(scratch.path, 'floor.sqlite');
  const port = await freePort();
  const proc = spawnNode([...(options.nodeArgs ?? []), '--import', 'tsx', 'tests/bench/live/floor-server.ts'], {
    cwd: REPO_ROOT,
    env: { PORT: String(port), DATABASE_PATH: dbPath, FLOOR_SYNCHRONOUS: options.synchronous },
  });
  return whenReady(proc, port, '/health', dbPath, scratch);
}

/** Waits for the server's health check; stops it and removes its scratch folder if it never answers. */
async function whenReady(proc: NodeChild, port: number, healthPath: string, dbPath: string, scratch: { remove(): void }): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${healthPath}`, proc);
  } catch (err) {
    await proc.stop(2_000);
    scratch.remove();
    throw err;
  }
  return {
    url,
    pid: proc.pid,
    proc,
    dbPath,
    async stop() {
      await proc.stop();
      scratch.remove();
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigSchema } from '../../server/config.js';

/**
 * The real server (`server/main.ts`) as a child process, for tests that kill it: SIGKILL at any point,
 * then a restart on the same SQLite file.
 *
 *   const server = await startServerProcess({ env: { SCORER: 'offline' } });
 *   ...connect to server.url...
 *   await server.kill('SIGKILL');
 *   const again = await server.restart();          // same database, same port
 *   ...
 *   await again.stop();                             // SIGTERM: graceful shutdown
 *   await again.remove();                           // deletes the temp folder and database
 *
 * The child runs in its own temp folder, which holds the database and a stub `client/dist/index.html`,
 * so a start never builds the web client (`ensureClientBuilt`) and never reads a developer's `.env`.
 * Every setting the server knows is taken from `options.env` and the defaults here, never inherited
 * from the test process's environment, so an exported OPENAI_API_KEY cannot reach a real provider.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = join(ROOT, 'server/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CONFIG_KEYS = new Set(Object.keys(ConfigSchema.shape));

/** One pino line from the child's stdout; `msg` and `level` are always there for the server's own lines. */
export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** settings for the server (PORT, SCORER, OPENAI_BASE_URL, limits, ...), over the defaults below */
  env?: Record<string, string>;
  /** the folder holding the database and the child's working folder; default: a new temp folder */
  home?: string;
  /** how long to wait for the "listening on" line, ms; default 30 000 */
  startTimeoutMs?: number;
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly home: string;
  readonly databasePath: string;
  /** the settings this process was started with */
  readonly env: Readonly<Record<string, string>>;
  /** every log line so far; lines that are not JSON are kept as `{ msg: line }` */
  readonly logs: readonly LogLine[];
  /** stderr so far */
  readonly stderr: string;
  readonly running: boolean;
  /** settles when the process has exited */
  readonly exited: Promise<ExitInfo>;
  /** Sends `signal` (default SIGKILL) and waits for the exit. Already exited: returns how it exited. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
  /** Waits for the exit; rejects after `timeoutMs` (default 15 000). */
  waitForExit(timeoutMs?: number): Promise<ExitInfo>;
  /** Resolves with the first log line, past or future, that `match` accepts. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /**
   * A new process on the same database, once this one has exited (call `kill` first). It listens on
   * the same port unless `env.PORT` says otherwise; `env` is merged over this process's settings.
   */
  restart(env?: Record<string, string>): Promise<ServerProcess>;
  /** SIGTERM (graceful shutdown), then SIGKILL if it does not exit within 12 s. */
  stop(): Promise<ExitInfo>;
  /** Kills the process if it runs and deletes the home folder, if `startServerProcess` made it. */
  remove(): Promise<void>;
}

/** Children still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Creates a home folder for a server process: the database and a stub built client live there. */
export function createServerHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'mock-interviewer-proc-'));
  mkdirSync(join(home, 'client/dist'), { recursive: true });
  writeFileSync(join(home, 'client/dist/index.html'), '<!doctype html><title>stub client for tests</title>\n');
  return home;
}

/** Starts `server/main.ts` and resolves once it logs that it is listening. */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const ownsHome = options.home === undefined;
  const home = options.home ?? createServerHome();
  const settings: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: join(home, 'interviews.sqlite'),
    BANKS_DIR: join(ROOT, 'data/banks'),
    LOG_LEVEL: 'info',
    ...options.env,
  };
  try {
    return await launch(home, settings, ownsHome, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    if (ownsHome) rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

async function launch(home: string, settings: Record<string, string>, ownsHome: boolean, startTimeoutMs: number): Promise<ServerProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_KEYS.has(k)));
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    cwd: home,
    env: { ...inherited, ...settings, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  const logs: LogLine[] = [];
  const logWaiters = new Set<() => void>();
  let stderr = '';
  let exitInfo: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exitInfo = { code, signal };
      resolve(exitInfo);
      for (const w of logWaiters) w();
    });
  });
  // stdout must be read continuously: pino writes synchronously and a full pipe would stall the server
  createInterface({ input: child.stdout! }).on('line', (line) => {
    logs.push(parseLine(line));
    for (const w of logWaiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });

  const diagnostics = () =>
    `\n--- stdout (last 20 lines) ---\n${logs.slice(-20).map((l) => JSON.stringify(l)).join('\n')}\n--- stderr ---\n${stderr.slice(-4000)}`;

  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < logs.length; seen++) {
          if (match(logs[seen]!)) return done(() => resolve(logs[seen]!));
        }
        if (exitInfo) done(() => reject(new Error(`server exited (${JSON.stringify(exitInfo)}) before the expected log line${diagnostics()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching log line within ${timeoutMs} ms${diagnostics()}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        logWaiters.delete(check);
        settle();
      };
      logWaiters.add(check);
      check();
    });

  const waitForExit = async (timeoutMs = 15_000): Promise<ExitInfo> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`server (pid ${child.pid}) did not exit within ${timeoutMs} ms${diagnostics()}`)), timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL', timeoutMs?: number): Promise<ExitInfo> => {
    if (!exitInfo) child.kill(signal);
    return waitForExit(timeoutMs);
  };

  let listening: LogLine;
  try {
    listening = await waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('listening on http://') && typeof l.port === 'number', startTimeoutMs);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const port = listening.port as number;

  const proc: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    home,
    databasePath: settings.DATABASE_PATH!,
    env: settings,
    logs,
    get stderr() {
      return stderr;
    },
    get running() {
      return exitInfo === null;
    },
    exited,
    kill,
    waitForExit,
    waitForLog,
    async restart(env = {}) {
      if (!exitInfo) throw new Error('restart: the server is still running; kill it first');
      const next = { ...settings, PORT: String(port), ...env };
      try {
        return await launch(home, next, ownsHome, startTimeoutMs);
      } catch (err) {
        // the old port may have been taken in the meantime; any port will do then
        if (env.PORT === undefined && /EADDRINUSE/.test(String(err))) return launch(home, { ...next, PORT: '0' }, ownsHome, startTimeoutMs);
        throw err;
      }
    },
    async stop() {
      try {
        return await kill('SIGTERM', 12_000);
      } catch {
        return kill('SIGKILL');
      }
    },
    async remove() {
      await kill('SIGKILL');
      if (ownsHome) rmSync(home, { recursive: true, force: true });
    },
  };
  return proc;
}

function parseLine(line: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as LogLine;
  } catch {
    // not a pino line (e.g. a warning printed by a dependency)
  }
  return { msg: line };
}

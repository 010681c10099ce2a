import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './paths.js';
import { printTable } from './table.js';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeRow {
  fn: string;
  where: string;
  selfMs: number;
  /** of all non-idle samples */
  percent: number;
}

export interface ProfileSummary {
  /** non-idle time sampled, ms */
  busyMs: number;
  idleMs: number;
  functions: SelfTimeRow[];
  /** self time per source file or package, which says more than single functions when work is spread */
  modules: SelfTimeRow[];
  /** self time per kind of work (CATEGORIES), every sample counted once */
  categories: SelfTimeRow[];
}

/**
 * Kinds of work in the service, first match wins. better-sqlite3 is synchronous, so the time a commit
 * waits for fsync is sampled as self time of its `sqliteTransaction` wrapper (or of the repository
 * function for a statement that commits on its own), on the event loop.
 */
const CATEGORIES: ReadonlyArray<[string, (fn: string, where: string) => boolean]> = [
  ['SQLite commit (fsync wait)', (fn, where) => fn === 'sqliteTransaction' && where.startsWith('pkg:better-sqlite3')],
  ['SQLite statements (server/store)', (_, where) => where.startsWith('server/store/') || where.startsWith('pkg:better-sqlite3')],
  ['scoring (server/scoring)', (_, where) => where.startsWith('server/scoring/')],
  ['reports (server/reports)', (_, where) => where.startsWith('server/reports/')],
  ['interview service and handlers', (_, where) => where.startsWith('server/interview/') || where.startsWith('server/realtime/') || where.startsWith('server/app')],
  ['LLM client (openai SDK, server/llm)', (_, where) => where.startsWith('pkg:openai') || where.startsWith('server/llm/') || where.startsWith('node:internal/deps/undici')],
  ['validation (zod)', (_, where) => where.startsWith('pkg:zod')],
  ['socket.io, engine.io, ws, sockets', (fn, where) => /^pkg:(socket\.io|engine\.io|ws)/.test(where) || /^node:(net|internal\/stream|internal\/streams|_http|http)/.test(where) || ['writev', 'writeUtf8String', 'writeBuffer'].includes(fn)],
  ['garbage collector', (fn) => fn === '(garbage collector)'],
  ['regular expressions (native; mostly the scorer\'s tokeniser)', (fn) => fn.startsWith('RegExp:')],
  ['metrics (prom-client)', (_, where) => where.startsWith('pkg:prom-client')],
  ['module loading (startup)', (fn, where) => /^node:internal\/(modules|bootstrap|deps\/cjs-module-lexer|source_map)/.test(where) || where.startsWith('pkg:tsx') || fn === 'compileSourceTextModule'],
];

/**
 * The main thread's .cpuprofile in a folder. Node writes one per thread, CPU.<date>.<time>.<pid>.<thread>.<seq>;
 * with `--import tsx` the module loader runs on thread 1 and its profile is mostly idle.
 */
export function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort();
  return files.length ? join(dir, files[files.length - 1]!) : undefined;
}

/** Where a frame's code lives: repo-relative for our files, the package name for dependencies. */
function locate(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return `pkg:${pkg[1]}`;
  if (path.startsWith('node:')) return path;
  // repo-relative, also for a scratch copy benchmarked with --service-root
  const own = /\/((?:server|tests|client)\/.*)$/.exec(path);
  if (own) return own[1]!;
  return path.startsWith('/') ? relative(REPO_ROOT, path) : path;
}

/**
 * Self time per function and per module. Each sample's time is the delta to the next sample, which is
 * how DevTools attributes it; `(idle)` is kept apart so percentages are of the time the loop worked.
 */
export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const id = profile.samples[i]!;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + dt);
  }
  const fns = new Map<string, { fn: string; where: string; ms: number }>();
  const mods = new Map<string, number>();
  const cats = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, ms] of selfByNode) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const module = locate(frame.url);
    const where = frame.url ? `${module}:${frame.lineNumber + 1}` : module;
    const fn = frame.functionName || '(anonymous)';
    const key = `${fn}@${where}`;
    const row = fns.get(key) ?? { fn, where, ms: 0 };
    row.ms += ms;
    fns.set(key, row);
    const moduleKey = frame.url ? module : fn.startsWith('(') ? fn : `(native) ${fn}`;
    mods.set(moduleKey, (mods.get(moduleKey) ?? 0) + ms);
    const category = CATEGORIES.find(([, test]) => test(fn, module))?.[0] ?? 'other';
    cats.set(category, (cats.get(category) ?? 0) + ms);
  }
  const pct = (ms: number) => (busyMs > 0 ? (ms / busyMs) * 100 : 0);
  return {
    busyMs,
    idleMs,
    functions: [...fns.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((r) => ({ fn: r.fn, where: r.where, selfMs: r.ms, percent: pct(r.ms) })),
    modules: [...mods.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, ms]) => ({ fn: '', where, selfMs: ms, percent: pct(ms) })),
    categories: [...cats.entries()].sort((a, b) => b[1] - a[1]).map(([where, ms]) => ({ fn: '', where, selfMs: ms, percent: pct(ms) })),
  };
}

/**
 * Prints a profile's self time by kind of work, then its top functions and modules. With `per`, the
 * kinds of work are also given per unit (e.g. per answer the server handled while profiled).
 */
export function printProfile(title: string, file: string, top = 15, per?: { count: number; unit: string }): ProfileSummary {
  const summary = summariseProfile(file, top);
  printTable(
    `${title}: self time by kind of work`,
    ['kind of work', 'self ms', 'of busy', ...(per ? [`ms per ${per.unit}`] : [])],
    summary.categories.map((r) => [r.where, r.selfMs.toFixed(0), `${r.percent.toFixed(1)}%`, ...(per ? [(r.selfMs / per.count).toFixed(3)] : [])]),
  );
  const rows = (xs: SelfTimeRow[], withFn: boolean) =>
    xs.map((r) => [...(withFn ? [r.fn] : []), r.where, r.selfMs.toFixed(0), `${r.percent.toFixed(1)}%`]);
  printTable(`${title}: top self time (busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms) — ${file}`, ['function', 'where', 'self ms', 'of busy'], rows(summary.functions, true));
  printTable(`${title}: self time by module`, ['module', 'self ms', 'of busy'], rows(summary.modules, false));
  return summary;
}

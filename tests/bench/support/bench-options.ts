/** Command-line options shared by every benchmark. */
export interface BenchOptions {
  /** a fast smoke run: small sizes, short durations; figures are not comparable to a full run */
  quick: boolean;
  /** run the service under `node --cpu-prof` and print its top self-time functions */
  profile: boolean;
  /** repository whose server/main.ts is benchmarked; default this one (point it at a scratch copy to try a fix) */
  serviceRoot?: string;
  /** the floor server's synchronous setting: FULL (as the service), NORMAL or OFF */
  floorSync: string;
  /** live: the numbers of concurrent candidates; default 100,500,1000 (quick: 50) */
  sizes?: number[];
  /** live: how long candidates keep starting interviews, ms */
  durationMs?: number;
  /** live: think time range, ms; default 500-2000 */
  thinkMs?: [number, number];
  /** live: run only against the service or only against the floor; default both */
  only?: 'service' | 'floor';
  /** live: drive a server already running at this URL (e.g. `npm start`) instead of starting the service and the floor */
  url?: string;
  /** live, with --url: that server's process id, to sample its CPU and memory */
  pid?: number;
  /** live: write every answer's timings to <dir>/live-<target>-<N>.json, to line up slow answers with a server's log */
  samplesDir?: string;
  /** heap: idle sessions to open */
  idleSessions?: number;
}

export const BENCHMARKS = ['live', 'scorer', 'llm', 'store', 'heap'] as const;
export type BenchName = (typeof BENCHMARKS)[number];

export const USAGE = `usage: npm run bench [-- [${BENCHMARKS.join('|')} ...] [--quick] [--profile] [--sizes=100,500,1000]
                        [--duration=<s>] [--think=<min>-<max> s] [--only=service|floor] [--idle=<n>] [--floor-sync=FULL|NORMAL|OFF] [--service-root=<dir>]
                        [--url=http://host:port [--pid=<server pid>]] [--samples=<dir>]]`;

export function parseBenchArgs(argv: readonly string[]): { names: BenchName[]; options: BenchOptions } {
  const names: BenchName[] = [];
  const options: BenchOptions = { quick: false, profile: false, floorSync: 'FULL' };
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2) as [string, string | undefined];
    if ((BENCHMARKS as readonly string[]).includes(arg)) names.push(arg as BenchName);
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (key === '--service-root' && value) options.serviceRoot = value;
    else if (key === '--floor-sync' && value) options.floorSync = value.toUpperCase();
    else if (key === '--sizes' && value) options.sizes = value.split(',').map((n) => positive(key, n));
    else if (key === '--duration' && value) options.durationMs = positive(key, value) * 1000;
    else if (key === '--think' && value) {
      const [min, max = min] = value.split('-').map((n) => positive(key, n) * 1000) as [number, number?];
      if (max < min) throw new Error(`--think: min-max in seconds, e.g. 0.5-2\n${USAGE}`);
      options.thinkMs = [min, max];
    } else if (key === '--only' && (value === 'service' || value === 'floor')) options.only = value;
    else if (key === '--idle' && value) options.idleSessions = positive(key, value);
    else if (key === '--url' && value) options.url = new URL(value).origin;
    else if (key === '--pid' && value) options.pid = positive(key, value);
    else if (key === '--samples' && value) options.samplesDir = value;
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (!['FULL', 'NORMAL', 'OFF'].includes(options.floorSync)) throw new Error(`--floor-sync: FULL, NORMAL or OFF\n${USAGE}`);
  return { names: names.length ? names : [...BENCHMARKS], options };
}

function positive(key: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key}: a positive number, not "${text}"`);
  return n;
}

/** What each benchmark hands back to the runner for the closing summary. */
export interface BenchOutcome {
  name: BenchName;
  /** the benchmark's one-line summary, also printed as its last line */
  summary: string;
  targets: import('./targets.js').TargetCheck[];
}

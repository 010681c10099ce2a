import { readFileSync } from 'node:fs';

/**
 * CPU time and resident memory of another process from /proc (Linux), without extra packages.
 * /proc/<pid>/stat fields 14 and 15 are user and system time in clock ticks (CLK_TCK, 100 on Linux
 * x86/arm), field 24 is the resident set in pages.
 */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcSample {
  /** user + system CPU seconds since the process started, all its threads */
  cpuSeconds: number;
  /** the same for its main thread alone (a Node process's event loop) */
  mainThreadCpuSeconds: number;
  rssBytes: number;
}

/** Fields 3 onwards of a /proc stat file: the command name (field 2) is in parentheses and may hold spaces. */
function statFields(path: string): string[] | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const cpuSecondsOf = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;

export function readProc(pid: number): ProcSample | undefined {
  const fields = statFields(`/proc/${pid}/stat`);
  if (!fields) return undefined;
  // the main thread's id is the process id
  const main = statFields(`/proc/${pid}/task/${pid}/stat`);
  return { cpuSeconds: cpuSecondsOf(fields), mainThreadCpuSeconds: main ? cpuSecondsOf(main) : NaN, rssBytes: Number(fields[21]) * PAGE_BYTES };
}

/**
 * Samples a process every `intervalMs` between start() and stop(): the CPU it used over the window as
 * a percentage of one core, and the peak RSS seen.
 */
export class ProcSampler {
  private timer: NodeJS.Timeout | undefined;
  private first: { at: number; sample: ProcSample } | undefined;
  private last: { at: number; sample: ProcSample } | undefined;
  private peakRss = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    const take = () => {
      const sample = readProc(this.pid);
      if (!sample) return;
      const point = { at: performance.now(), sample };
      this.first ??= point;
      this.last = point;
      this.peakRss = Math.max(this.peakRss, sample.rssBytes);
    };
    take();
    this.timer = setInterval(take, this.intervalMs);
    this.timer.unref();
    this.take = take;
  }

  private take: () => void = () => {};

  /** cpuPercent: all threads; mainThreadCpuPercent: the event loop's thread alone, which can use one core at most */
  stop(): { cpuPercent: number; mainThreadCpuPercent: number; peakRssBytes: number; lastRssBytes: number } {
    this.take();
    clearInterval(this.timer);
    const { first, last } = this;
    if (!first || !last || last.at === first.at) return { cpuPercent: NaN, mainThreadCpuPercent: NaN, peakRssBytes: this.peakRss, lastRssBytes: NaN };
    const seconds = (last.at - first.at) / 1000;
    const cpuPercent = ((last.sample.cpuSeconds - first.sample.cpuSeconds) / seconds) * 100;
    const mainThreadCpuPercent = ((last.sample.mainThreadCpuSeconds - first.sample.mainThreadCpuSeconds) / seconds) * 100;
    return { cpuPercent, mainThreadCpuPercent, peakRssBytes: this.peakRss, lastRssBytes: last.sample.rssBytes };
  }
}

/** Jiffies the whole machine spent busy and in total, from the first line of /proc/stat. */
function readSystemCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

/** Cores' worth of CPU the whole machine used between start() and stop(), every process included. */
export class SystemSampler {
  private first = readSystemCpu();

  constructor(private readonly cores: number) {}

  start(): void {
    this.first = readSystemCpu();
  }

  stop(): number {
    const last = readSystemCpu();
    if (!this.first || !last || last.total === this.first.total) return NaN;
    return ((last.busy - this.first.busy) / (last.total - this.first.total)) * this.cores;
  }
}

/**
 * Waits (up to `maxWaitMs`) for a second in which the machine uses less than `threshold` cores: the
 * figures are only worth having when the benchmark has the machine to itself. Returns the load of
 * the last second measured, so the caller can print it.
 */
export async function waitForQuiet(cores: number, maxWaitMs: number, threshold = 0.5): Promise<{ waitedMs: number; busyCores: number }> {
  const started = Date.now();
  for (;;) {
    const sampler = new SystemSampler(cores);
    sampler.start();
    await new Promise((r) => setTimeout(r, 1_000));
    const busyCores = sampler.stop();
    const waitedMs = Date.now() - started;
    if (!(busyCores >= threshold) || waitedMs >= maxWaitMs) return { waitedMs, busyCores };
  }
}

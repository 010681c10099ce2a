import { readFileSync } from 'node:fs';

/**
 * CPU time and resident memory of another process from /proc (Linux), without extra packages.
 * /proc/<pid>/stat fields 14 and 15 are user and system time in clock ticks (CLK_TCK, 100 on Linux
 * x86/arm), field 24 is the resident set in pages.
 */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcSample {
  /** user + system CPU seconds since the process started */
  cpuSeconds: number;
  rssBytes: number;
}

export function readProc(pid: number): ProcSample | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // the command name (field 2) is in parentheses and may hold spaces; count fields after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES };
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

  stop(): { cpuPercent: number; peakRssBytes: number; lastRssBytes: number } {
    this.take();
    clearInterval(this.timer);
    const { first, last } = this;
    if (!first || !last || last.at === first.at) return { cpuPercent: NaN, peakRssBytes: this.peakRss, lastRssBytes: NaN };
    const cpuPercent = ((last.sample.cpuSeconds - first.sample.cpuSeconds) / ((last.at - first.at) / 1000)) * 100;
    return { cpuPercent, peakRssBytes: this.peakRss, lastRssBytes: last.sample.rssBytes };
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

/** A target from the brief, checked against a measured figure and printed next to it. */
export interface TargetCheck {
  /** e.g. "live N=1000 p99" */
  name: string;
  /** the measured figure, in `unit` */
  value: number;
  /** the bound, in `unit` */
  limit: number;
  unit: string;
  /** `max`: the figure must be <= limit; `min`: >= limit */
  kind: 'max' | 'min';
  /** a target that is not measured in this run (e.g. --quick skipped the size) */
  skipped?: boolean;
}

export function passes(t: TargetCheck): boolean {
  if (!Number.isFinite(t.value)) return false;
  return t.kind === 'max' ? t.value <= t.limit : t.value >= t.limit;
}

/** "PASS (<= 50 ms)" / "FAIL (>= 2000 answers/s)"; a skipped target says so. */
export function verdict(t: TargetCheck): string {
  if (t.skipped) return 'not measured';
  return `${passes(t) ? 'PASS' : 'FAIL'} (${t.kind === 'max' ? '<=' : '>='} ${t.limit} ${t.unit})`;
}

export function targetRows(checks: readonly TargetCheck[]): string[][] {
  return checks.map((t) => [t.name, t.skipped ? '-' : `${formatValue(t.value)} ${t.unit}`, verdict(t)]);
}

function formatValue(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2);
}

/** The REST calls the page makes: the bank list for the setup form and the bearer-protected report. */

export interface BankSummary {
  id: string;
  title: string;
  questionCount: number;
  levels: string[];
  topics: string[];
}

export async function fetchBanks(signal?: AbortSignal): Promise<BankSummary[]> {
  const res = await fetch('/api/banks', { headers: { accept: 'application/json' }, signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body: unknown = await res.json();
  const banks = (body as { banks?: unknown } | null)?.banks;
  if (!Array.isArray(banks)) throw new Error('unexpected /api/banks reply');
  return banks.filter(isBank);
}

function isBank(value: unknown): value is BankSummary {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return (
    typeof b.id === 'string' &&
    typeof b.title === 'string' &&
    typeof b.questionCount === 'number' &&
    Array.isArray(b.levels) &&
    b.levels.every((l) => typeof l === 'string') &&
    Array.isArray(b.topics) &&
    b.topics.every((t) => typeof t === 'string')
  );
}

export type ReportFormat = 'html' | 'md' | 'json';

/** The report URL with the format set, resolved against this page's origin. */
export function reportUrlFor(reportUrl: string, format: ReportFormat): string {
  const url = new URL(reportUrl, window.location.origin);
  url.searchParams.set('format', format);
  return url.toString();
}

/** Fetches the session's report with its bearer token; the endpoint does not accept cookies or query tokens. */
export async function fetchReport(reportUrl: string, token: string, format: ReportFormat): Promise<Blob> {
  const res = await fetch(reportUrlFor(reportUrl, format), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const reason =
      res.status === 404
        ? 'The report is not available yet.'
        : res.status === 401 || res.status === 403
          ? 'The report link for this session is no longer valid.'
          : `The report could not be loaded (HTTP ${res.status}).`;
    throw new Error(reason);
  }
  const type = format === 'html' ? 'text/html' : format === 'md' ? 'text/markdown' : 'application/json';
  return new Blob([await res.arrayBuffer()], { type: `${type};charset=utf-8` });
}

import { fetchReport, reportPathFor, type ReportFormat } from './api.js';
import { el } from './dom.js';

/**
 * The report as a file. The endpoint wants a bearer header, so a plain link cannot fetch it: the file is
 * fetched here and handed over as a Blob URL.
 */
export async function downloadReport(sessionId: string, token: string, format: ReportFormat, startedAt?: string): Promise<void> {
  const blob = await fetchReport(reportPathFor(sessionId), token, format);
  const url = URL.createObjectURL(blob);
  const day = startedAt && !Number.isNaN(Date.parse(startedAt)) ? new Date(startedAt).toISOString().slice(0, 10) : sessionId.slice(0, 8);
  saveAs(url, `interview-report-${day}.${format}`);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens the printable HTML report in a new tab; the tab is opened during the click so pop-up blockers allow it. */
export async function openPrintableReport(sessionId: string, token: string): Promise<void> {
  const tab = window.open('', '_blank');
  if (tab) {
    tab.opener = null;
    tab.document.title = 'Loading report…';
    tab.document.body.textContent = 'Loading report…';
  }
  try {
    const blob = await fetchReport(reportPathFor(sessionId), token, 'html');
    const url = URL.createObjectURL(blob);
    if (tab) tab.location.href = url;
    else saveAs(url, 'interview-report.html');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    tab?.close();
    throw err;
  }
}

function saveAs(url: string, filename: string): void {
  const link = el('a', { attrs: { href: url, download: filename } });
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

import type { Report, ReportFormat } from './report-model.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';

/** One report in one of its formats, with the content type to serve it as. */
export function renderReport(report: Report, format: ReportFormat): { body: string; contentType: string } {
  switch (format) {
    case 'md':
      return { body: renderMarkdown(report), contentType: 'text/markdown; charset=utf-8' };
    case 'html':
      return { body: renderHtml(report), contentType: 'text/html; charset=utf-8' };
    case 'json':
      return { body: JSON.stringify(report, null, 2), contentType: 'application/json; charset=utf-8' };
  }
}

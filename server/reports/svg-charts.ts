import { escapeHtml } from './html-text.js';

export interface Bar {
  label: string;
  value: number | null;
}

const BAND_COLOURS: Array<[number, string]> = [
  [80, '#1a7f37'],
  [60, '#2f6fde'],
  [40, '#bf8700'],
  [0, '#cf222e'],
];
export const colourFor = (v: number) => BAND_COLOURS.find(([min]) => v >= min)![1];

/**
 * A horizontal bar chart, 0..100, as inline SVG: no script, no external assets, prints as vectors.
 * Labels are escaped; a null value draws as "not answered".
 */
export function barChart(title: string, bars: readonly Bar[]): string {
  const rowH = 26;
  const labelW = 280;
  const chartW = 360;
  const height = bars.length * rowH + 24;
  const rows = bars
    .map((b, i) => {
      const y = i * rowH + 4;
      // about 6.5 px a character at 12 px: keep labels inside their column so none is clipped
      const label = b.label.length > 40 ? `${b.label.slice(0, 39)}…` : b.label;
      const value = b.value ?? 0;
      const bar = b.value === null ? '' : `<rect x="${labelW}" y="${y}" width="${(value / 100) * chartW}" height="${rowH - 8}" rx="3" fill="${colourFor(value)}"/>`;
      const text = b.value === null ? 'not answered' : String(b.value);
      return `<text x="${labelW - 8}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="middle">${escapeHtml(label)}</text>${bar}<text x="${labelW + (value / 100) * chartW + 6}" y="${y + rowH / 2}" dominant-baseline="middle" class="v">${text}</text>`;
    })
    .join('');
  const grid = [0, 40, 60, 80, 100]
    .map((g) => `<line x1="${labelW + (g / 100) * chartW}" x2="${labelW + (g / 100) * chartW}" y1="0" y2="${height - 20}" class="grid"/><text x="${labelW + (g / 100) * chartW}" y="${height - 6}" text-anchor="middle" class="axis">${g}</text>`)
    .join('');
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${labelW + chartW + 60} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${grid}${rows}</svg>`;
}

import { bandFor } from './choices.js';

/**
 * Inline SVG charts on a 0..100 scale, built with DOM APIs (labels are text nodes, never markup).
 * Colours come from the stylesheet's band classes, so they follow light and dark themes.
 */
const NS = 'http://www.w3.org/2000/svg';
/** Band boundaries: weak < 40 <= fair < 60 <= good < 80 <= strong. */
const GRID = [0, 40, 60, 80, 100];

type Attrs = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(title: string, width: number, height: number): SVGSVGElement {
  const root = svg('svg', {
    class: 'report-chart',
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    role: 'img',
    'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  });
  root.append(svg('title', {}, title));
  return root;
}

function clamp(value: number): number {
  return Math.max(0, Math.min(100, value));
}

function shorten(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1).trimEnd()}…` : label;
}

export interface Bar {
  label: string;
  /** 0..100; null draws "not answered" */
  value: number | null;
  /** shown as the tooltip; defaults to the label */
  detail?: string;
}

/** The drawing width for a container: one SVG unit per CSS pixel, so text keeps its size on a phone. */
export function chartWidth(container: HTMLElement, fallback = 720): number {
  const w = Math.round(container.clientWidth);
  return w > 0 ? Math.max(300, w) : fallback;
}

/** Horizontal bars, one per row, with the band boundaries as grid lines. `width` in SVG units (~CSS px). */
export function barChart(title: string, bars: readonly Bar[], width = 720): SVGSVGElement {
  const rowH = 30;
  const labelW = Math.round(Math.max(110, Math.min(230, width * 0.34)));
  const plotW = width - labelW - 44;
  const maxChars = Math.max(8, Math.floor((labelW - 14) / 7.2));
  const top = 4;
  const height = top + bars.length * rowH + 26;
  const root = frame(title, width, height);
  const x = (v: number): number => labelW + (clamp(v) / 100) * plotW;

  const grid = svg('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (const g of GRID) {
    grid.append(
      svg('line', { x1: x(g), x2: x(g), y1: top, y2: height - 22 }),
      svg('text', { x: x(g), y: height - 6, 'text-anchor': 'middle', class: 'chart-axis' }, String(g)),
    );
  }
  root.append(grid);

  bars.forEach((bar, i) => {
    const y = top + i * rowH;
    const row = svg('g', { class: 'chart-row' });
    row.append(svg('title', {}, `${bar.detail ?? bar.label}: ${bar.value === null ? 'not answered' : Math.round(bar.value)}`));
    row.append(svg('text', { x: labelW - 10, y: y + rowH / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'chart-label' }, shorten(bar.label, maxChars)));
    if (bar.value === null) {
      row.append(svg('text', { x: labelW + 6, y: y + rowH / 2, 'dominant-baseline': 'middle', class: 'chart-value muted' }, 'not answered'));
    } else {
      const value = Math.round(bar.value);
      row.append(
        svg('rect', { x: labelW, y: y + 6, width: Math.max(2, x(value) - labelW), height: rowH - 12, rx: 4, class: `chart-bar band-${bandFor(value)}` }),
        svg('text', { x: x(value) + 6, y: y + rowH / 2, 'dominant-baseline': 'middle', class: 'chart-value' }, String(value)),
      );
    }
    root.append(row);
  });
  return root;
}

export interface Point {
  /** x-axis label, e.g. a short date */
  label: string;
  value: number;
  detail?: string;
}

/** Score over time: points in order, evenly spaced, joined by a line, with the band boundaries as grid lines. */
export function lineChart(title: string, points: readonly Point[], width = 720): SVGSVGElement {
  const left = 36;
  const right = 24;
  const top = 14;
  const plotH = 180;
  const height = top + plotH + 34;
  const root = frame(title, width, height);
  const plotW = width - left - right;
  const y = (v: number): number => top + plotH - (clamp(v) / 100) * plotH;
  const x = (i: number): number => (points.length < 2 ? left + plotW / 2 : left + (i / (points.length - 1)) * plotW);

  const grid = svg('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (const g of GRID) {
    grid.append(
      svg('line', { x1: left, x2: width - right, y1: y(g), y2: y(g) }),
      svg('text', { x: left - 8, y: y(g), 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'chart-axis' }, String(g)),
    );
  }
  root.append(grid);

  if (points.length > 1) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    root.append(svg('path', { d, class: 'chart-line', fill: 'none' }));
  }
  // Too many x labels overlap; keep one per ~90 units.
  const every = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(plotW / 90))));
  points.forEach((p, i) => {
    const value = Math.round(p.value);
    const dot = svg('g', { class: 'chart-point' });
    dot.append(
      svg('title', {}, `${p.detail ?? p.label}: ${value}`),
      svg('circle', { cx: x(i), cy: y(value), r: 5, class: `chart-dot band-${bandFor(value)}` }),
    );
    if (points.length <= Math.floor(plotW / 40)) dot.append(svg('text', { x: x(i), y: y(value) - 10, 'text-anchor': 'middle', class: 'chart-value' }, String(value)));
    root.append(dot);
    if (i % every === 0 || i === points.length - 1) {
      root.append(svg('text', { x: x(i), y: height - 10, 'text-anchor': 'middle', class: 'chart-axis' }, p.label));
    }
  });
  return root;
}

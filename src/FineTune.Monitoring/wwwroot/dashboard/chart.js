// Line charts as SVG: axes with rounded ticks, one path and one circle per point for each series,
// an optional dashed threshold line, and a <title> on every point so hovering shows its value.
import { h, formatNumber } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 560, HEIGHT = 230;
const MARGIN = { left: 56, right: 16, top: 14, bottom: 34 };
const COLOURS = ['var(--s1)', 'var(--s2)', 'var(--s3)', 'var(--s4)'];

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value != null) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

function niceStep(range, count) {
  const raw = range / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find(m => m * magnitude >= raw);
  return multiple * magnitude;
}

function ticks(min, max, count) {
  const step = niceStep(max - min || 1, count);
  const result = [];
  for (let value = Math.ceil(min / step) * step; value < max + step * (1 - 1e-9); value += step) result.push(Number(value.toPrecision(12)));
  return result;
}

// a single value gets room around it: 10% (or 1) for numbers, `span` (five minutes for times) when given
function extent(values, includeZero, span) {
  let min = Math.min(...values), max = Math.max(...values);
  if (includeZero) min = Math.min(0, min);
  if (min === max) { const pad = span ?? (Math.abs(max) * 0.1 || 1); min -= includeZero && min === 0 ? 0 : pad; max += pad; }
  return [min, max];
}

const timeLabel = ms => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * series: [{ name, points: [{ x, y }] }] — x a number (steps) or a Date/ISO string (time); y null leaves a gap.
 * options: { label (accessible name), threshold: { value, label }, yFormat, xFormat, xTitle, yTitle, zero (y axis from 0) }
 */
export function lineChart(series, options = {}) {
  const isTime = series.some(line => line.points.some(p => typeof p.x === 'string' || p.x instanceof Date));
  const toX = x => (isTime ? new Date(x).getTime() : x);
  const lines = series.map(line => ({ ...line, points: line.points.map(p => ({ x: toX(p.x), y: p.y ?? null, raw: p })) }));
  const plotted = lines.flatMap(line => line.points.filter(p => p.y != null && Number.isFinite(p.y)));
  const yFormat = options.yFormat ?? (v => formatNumber(v));
  const xFormat = options.xFormat ?? (isTime ? timeLabel : v => formatNumber(v));
  const figure = h('figure', { class: 'figure' });

  if (plotted.length === 0) {
    figure.append(h('p', { class: 'empty' }, `${options.label ?? 'Chart'}: no data yet.`));
    return figure;
  }

  const yValues = plotted.map(p => p.y);
  if (options.threshold?.value != null) yValues.push(options.threshold.value);
  const [xMin, xMax] = extent(plotted.map(p => p.x), false, isTime ? 5 * 60_000 : undefined);
  const [yMin, yMax] = extent(yValues, options.zero ?? true);
  const yTicks = ticks(yMin, yMax, 4);
  const top = Math.max(yMax, yTicks.at(-1));
  const bottom = Math.min(yMin, yTicks[0]);
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right, innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = x => MARGIN.left + ((x - xMin) / (xMax - xMin)) * innerWidth;
  const py = y => MARGIN.top + (1 - (y - bottom) / (top - bottom)) * innerHeight;

  const summary = lines.map(line => {
    const last = line.points.filter(p => p.y != null).at(-1);
    return `${line.name}: ${line.points.filter(p => p.y != null).length} points${last ? `, latest ${yFormat(last.y)}` : ''}`;
  }).join('; ');
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${options.label ?? 'Chart'} — ${summary}` });

  const yAxis = s('g', { class: 'axis y-axis' });
  for (const tick of yTicks) {
    yAxis.append(s('line', { class: 'grid-line', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: py(tick), y2: py(tick) }));
    yAxis.append(s('text', { x: MARGIN.left - 6, y: py(tick) + 4, 'text-anchor': 'end' }, yFormat(tick)));
  }
  yAxis.append(s('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom }));
  const xAxis = s('g', { class: 'axis x-axis' });
  xAxis.append(s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom }));
  const xTicks = isTime ? ticks(xMin, xMax, 4).filter(t => t >= xMin && t <= xMax) : ticks(xMin, xMax, 5).filter(t => t >= xMin && t <= xMax && Number.isInteger(t));
  for (const tick of xTicks.length ? xTicks : [xMin, xMax]) {
    xAxis.append(s('line', { x1: px(tick), x2: px(tick), y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom + 4 }));
    xAxis.append(s('text', { x: px(tick), y: HEIGHT - MARGIN.bottom + 16, 'text-anchor': 'middle' }, xFormat(tick)));
  }
  if (options.xTitle) xAxis.append(s('text', { x: WIDTH - MARGIN.right, y: HEIGHT - 2, 'text-anchor': 'end' }, options.xTitle));
  svg.append(yAxis, xAxis);

  if (options.threshold?.value != null) {
    const y = py(options.threshold.value);
    const label = `${options.threshold.label ?? 'threshold'} ${yFormat(options.threshold.value)}`;
    svg.append(s('line', { class: 'threshold', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y }, s('title', {}, label)),
      s('text', { class: 'threshold-label', x: WIDTH - MARGIN.right - 4, y: y - 4, 'text-anchor': 'end' }, label));
  }

  lines.forEach((line, index) => {
    const tone = `s${index % COLOURS.length}`;
    let d = '', pen = 'M';
    for (const p of line.points) {
      if (p.y == null) { pen = 'M'; continue; }
      d += `${pen}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`;
      pen = 'L';
    }
    const group = s('g', { class: 'line', 'data-series': line.name });
    if (d) group.append(s('path', { class: `series ${tone}`, d }));
    for (const p of line.points) {
      if (p.y == null) continue;
      group.append(s('circle', { class: `point ${tone}`, cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r: 3 },
        s('title', {}, `${line.name} at ${xFormat(p.x)}: ${yFormat(p.y)}`)));
    }
    svg.append(group);
  });

  figure.append(svg, h('ul', { class: 'legend' },
    lines.map((line, index) => h('li', { style: `--c: ${COLOURS[index % COLOURS.length]}` }, line.name)),
    options.threshold?.value != null ? h('li', { class: 'threshold-key' }, options.threshold.label ?? 'threshold') : null));
  return figure;
}

/** A card holding a titled chart. */
export function chartCard(title, series, options = {}) {
  return h('section', { class: 'card chart-card', 'data-chart': options.id ?? title },
    h('h3', {}, title), lineChart(series, { label: title, ...options }));
}

/** Horizontal bars for a handful of named values in 0..1 or with their own maximum. */
export function bars(entries, format = v => formatNumber(v)) {
  const max = Math.max(1, ...entries.map(([, v]) => Math.abs(v)));
  return h('div', { class: 'bars' }, entries.flatMap(([name, value]) => {
    const svg = s('svg', { viewBox: '0 0 100 12', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
      s('rect', { class: 'track', x: 0, y: 0, width: 100, height: 12 }),
      s('rect', { class: 'fill', x: 0, y: 0, width: (Math.abs(value) / max) * 100, height: 12 }));
    return [h('span', {}, name), svg, h('span', {}, format(value))];
  }));
}

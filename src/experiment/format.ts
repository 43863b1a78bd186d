// An ExperimentResult for people (formatExperiment: the question, each table
// with its columns aligned, the conclusion, the commands) and for programs
// (experimentJson: sorted keys, so the same result is the same bytes).

import { percentile } from '../trace/format.js';
import type { Cell, Column, ExperimentResult, Table } from './types.js';

/** p50, p99 and max of some samples (any order), for latency columns. */
export function spread(samples: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1] : 0 };
}

/** A cell as printed: numbers with the column's digits and thousands separators; text as is. */
export function cellText(c: Column, v: Cell | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  const digits = c.digits ?? 0;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A column's heading: its title and, in parentheses, its unit. */
const heading = (c: Column) => (c.unit ? `${c.title} (${c.unit})` : c.title);

/** How wide a table may be before its last column, when it is text, wraps. */
const TABLE_WIDTH = 120;

/**
 * One table as aligned text: numbers to the right, text to the left, a rule
 * under the headings. A text column at the end (a message) wraps within the
 * table's width, its later lines under its first.
 */
export function formatTable(t: Table): string {
  const cells = t.rows.map((r) => t.columns.map((c) => cellText(c, r[c.key])));
  const numeric = t.columns.map((c) => t.rows.some((r) => typeof r[c.key] === 'number'));
  const widths = t.columns.map((c, i) => Math.max(heading(c).length, ...cells.map((row) => row[i].length)));
  const last = widths.length - 1;
  const before = 2 + widths.slice(0, last).reduce((n, w) => n + w + 2, 0);
  if (last >= 0 && !numeric[last] && before + widths[last] > TABLE_WIDTH) widths[last] = Math.max(heading(t.columns[last]).length, 24, TABLE_WIDTH - before);
  const line = (row: string[]) => row.map((s, i) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd();
  const rows = (row: string[]) => {
    const tail = last >= 0 && !numeric[last] ? wrapText(row[last], widths[last]).split('\n') : [row[last]];
    return tail.map((part, k) => line([...(k === 0 ? row.slice(0, last) : widths.slice(0, last).map(() => '')), part]));
  };
  const out = [line(t.columns.map(heading)), line(widths.map((w) => '─'.repeat(w))), ...cells.flatMap(rows)];
  return (t.title ? [t.title, ...out] : out).map((l) => `  ${l}`.trimEnd()).join('\n') + '\n';
}

/** Text wrapped to `width` columns, at spaces. */
export function wrapText(text: string, width = 80): string {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** The whole result for a terminal: the question, the tables, the conclusion, and how to repeat each run. */
export function formatExperiment(r: ExperimentResult): string {
  const parts = [`lde experiment ${r.name}: ${r.question}`, ...r.tables.map(formatTable), wrapText(r.conclusion)];
  const labels = Object.keys(r.commands).sort();
  if (labels.length) parts.push(['Each run again:', ...labels.map((l) => `  ${l}: ${r.commands[l]}`)].join('\n'));
  return parts.map((p) => p.replace(/\n$/, '')).join('\n\n') + '\n';
}

/** A JSON value with every object's keys in sorted order (arrays keep their order). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}

/** --json: the result with sorted keys, two-space indent and a final newline: stable bytes. */
export function experimentJson(r: ExperimentResult): string {
  return JSON.stringify(sortKeys(r), null, 2) + '\n';
}

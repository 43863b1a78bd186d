// Vega-lite v5 specs, so every experiment's chart looks alike: data inline
// (the spec is the whole chart; the CLI renders it to SVG, the browser lab in
// the page), a title, axes with units. Only spec building lives here; the
// rendering is the host's (src/cli/experiment.ts uses vega and vega-lite).

import type { Row } from './types.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** One field on an axis: the row key, its title, its vega-lite type. */
export interface Field { field: string; title: string; type?: 'quantitative' | 'nominal' | 'ordinal'; }

export type Spec = Record<string, unknown>;

const encode = (f: Field, fallback: 'quantitative' | 'nominal') => ({ field: f.field, type: f.type ?? fallback, title: f.title });

/**
 * Bars: one per category (x), height y. With `group`, bars of each group
 * stand side by side within a category (xOffset) and are coloured by group.
 */
export function barChart(opts: { title: string; data: readonly Row[]; x: Field; y: Field; group?: Field }): Spec {
  // Categories in the order of the data (the experiment's order: pids, settings), their names whole and slanted.
  const x = { ...encode(opts.x, 'nominal'), sort: null, axis: { labelAngle: -30, labelLimit: 0 } };
  const encoding: Spec = { x, y: encode(opts.y, 'quantitative') };
  if (opts.group) {
    encoding.xOffset = { field: opts.group.field, type: 'nominal' };
    encoding.color = { ...encode(opts.group, 'nominal'), sort: null };
  }
  return base(opts.title, opts.data, { type: 'bar' }, encoding);
}

/** Lines: y against x, one line per series when `series` is given, with points on them. */
export function lineChart(opts: { title: string; data: readonly Row[]; x: Field; y: Field; series?: Field }): Spec {
  const encoding: Spec = { x: encode(opts.x, 'quantitative'), y: encode(opts.y, 'quantitative') };
  if (opts.series) encoding.color = encode(opts.series, 'nominal');
  return base(opts.title, opts.data, { type: 'line', point: true }, encoding);
}

function base(title: string, data: readonly Row[], mark: Spec, encoding: Spec): Spec {
  return { $schema: VEGA_LITE_SCHEMA, title, data: { values: data.map((r) => ({ ...r })) }, mark, encoding };
}

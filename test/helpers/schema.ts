// A small schema checker for experiments' JSON (test/experiment*.test.ts):
// a type name, [element schema] for a non-empty array, or { key: schema } for
// an object with exactly those keys.
import assert from 'node:assert/strict';

/** Checks a value against a small schema: a type name, [element schema], or { key: schema } (every key, no others). */
export type Schema = 'string' | 'number' | 'integer' | 'object' | 'array' | readonly [Schema] | { readonly [k: string]: Schema };
export function check(v: unknown, s: Schema, at: string): void {
  if (s === 'integer') { assert.ok(Number.isInteger(v), `${at}: ${JSON.stringify(v)} is not an integer`); return; }
  if (s === 'array') { assert.ok(Array.isArray(v), `${at}: not an array`); return; }
  if (s === 'object') { assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${at}: not an object`); return; }
  if (typeof s === 'string') { assert.equal(typeof v, s, `${at}: ${JSON.stringify(v)} is not a ${s}`); return; }
  if (Array.isArray(s)) {
    assert.ok(Array.isArray(v) && v.length > 0, `${at}: not a non-empty array`);
    (v as unknown[]).forEach((x, i) => check(x, s[0], `${at}[${i}]`));
    return;
  }
  check(v, 'object', at);
  const o = v as Record<string, unknown>;
  assert.deepEqual(Object.keys(o).sort(), Object.keys(s).sort(), `${at}: keys`);
  for (const k of Object.keys(s)) check(o[k], (s as Record<string, Schema>)[k], `${at}.${k}`);
}


// lde demo: the guided tour runs every chapter and its numbers are the
// kernel's own counters (deterministic: the clock is virtual).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lde } from './helpers/cli.js';

test('lde demo runs every chapter and reports what the kernel counted', () => {
  const r = lde(['demo']);
  assert.equal(r.status, 0, r.stderr);
  for (let n = 1; n <= 6; n++) assert.match(r.stdout, new RegExp(`── ${n}\\. `));
  assert.match(r.stdout, /4 system calls \(write 3, exit_group 1\)/);
  assert.match(r.stdout, /2,048 page faults, each resolved by the kernel/);
  assert.match(r.stdout, /exit status 139 = 128 \+ 11/);
  assert.match(r.stdout, /exit status 132 = 128 \+ 4/);
  assert.match(r.stdout, /55 timer interrupts at 250 Hz/); // 220 ms of virtual time at 4 ms a tick
  assert.match(r.stdout, /The same spinner: 0 timer interrupts/);
  assert.match(r.stdout, /idle hart skipped 200 ms/);
  assert.match(r.stdout, /exec: image 5 of 5, same pid as the first: yes/);
});

test('lde demo rejects arguments it does not know', () => {
  assert.equal(lde(['demo', '--bogus']).status, 2);
});

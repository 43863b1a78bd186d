// Go programs (issue 11, acceptance): test/go/main.go, built at test time
// with Debian's golang-go (GOOS=linux GOARCH=riscv64 CGO_ENABLED=0), run
// under `lde run` and compared part by part with qemu-riscv64. The Go
// runtime is a demanding guest: threads made with clone, futexes,
// signal-based goroutine preemption, timers on epoll, a concurrent GC, and
// net/http over loopback. qemu-user cannot execve a riscv64 program
// without binfmt_misc, so the os/exec part is checked against the output
// Linux gives (the child upper-cases its stdin and exits 3 when asked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { have, lde, HANG_GUARD_MS } from './helpers/cli.js';

const SRC = fileURLToPath(new URL('../../test/go/', import.meta.url));
const PARTS = ['goroutines', 'timers', 'gc', 'http'];
const EXEC = '== exec\nchild said "FROM THE PARENT\\n", err <nil>\nchild exit code: 3\nmissing program fails: true\n';

/** The output of `prog all` cut at its "== part" headers. */
function sections(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of out.split(/^(?=== )/m)) if (s) m.set(s.slice(3, s.indexOf('\n')), s);
  return m;
}

test('Go programs under lde match qemu-riscv64', async (t) => {
  if (!have('go', 'qemu-riscv64')) return t.skip('go or qemu-riscv64 not on PATH (CI installs golang-go and qemu-user): Go programs not tested');
  const out = mkdtempSync(tmpdir() + '/lde-go-');
  try {
    const b = spawnSync('go', ['build', '-o', `${out}/goprog`, '.'], {
      cwd: SRC, encoding: 'utf8', timeout: HANG_GUARD_MS,
      env: { ...process.env, GOOS: 'linux', GOARCH: 'riscv64', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
    assert.equal(b.status, 0, `go build failed:\n${b.stderr}`);
    const want = new Map<string, string>();
    for (const p of PARTS) {
      const q = spawnSync('qemu-riscv64', [`${out}/goprog`, p], { encoding: 'utf8', timeout: HANG_GUARD_MS });
      assert.equal(q.status, 0, `qemu-riscv64 goprog ${p}: ${q.stderr}`);
      want.set(p, q.stdout);
    }
    want.set('exec', EXEC);
    for (const smp of [[] as string[], ['--smp', '4']]) {
      await t.test(`goprog all ${smp.join(' ')}`, () => {
        const r = lde(['run', '--max-time', '120', ...smp, `${out}/goprog`, 'all']);
        assert.equal(r.status, 0, r.stderr);
        const got = sections(r.stdout);
        for (const [part, text] of want) assert.equal(got.get(part), text, `part ${part}\n${r.stderr}`);
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// The option tables (src/cli/commands.ts) are the one source of every
// command's options: the parser accepts and refuses exactly what they say,
// --help lists exactly their options, and README.md's lists are made from
// them. The oracles: each table entry's own kind and limits, the hand-written
// contracts of DESIGN.md and README (--hz, --mem, --max-time, ...), and the
// committed README compared with a fresh rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { lde, have, ROOT } from './helpers/cli.js';
import { COMMANDS, LDE, RUN, BARE, DEMO } from '../src/cli/commands.js';
import { parseOptions, Request, type CommandSpec, type OptionSpec } from '../src/cli/options.js';
import { UsageError, fmtSize } from '../src/cli/args.js';
import { helpText, readmeWithOptions, optionWords } from '../src/cli/help.js';

const ALL: readonly CommandSpec[] = [LDE, ...COMMANDS];
const tmp = mkdtempSync(`${tmpdir()}/lde-cli-options-`);
/** The fewest operands each command takes. */
const OPERANDS: Record<string, string[]> = { lde: [], run: ['hello'], bare: ['x.elf'], boot: [], demo: [], experiment: [], lab: [] };

/** Parses `args` for command c, followed by the least operands it needs. */
function parse(c: CommandSpec, args: string[]) {
  return parseOptions(c, [...args, ...OPERANDS[c.name]]);
}

/** Values the option's kind and limits say are fine, with what the parser must return for each. */
function valid(s: OptionSpec): [string, unknown][] {
  const v = s.value;
  switch (v.kind) {
    case 'none': return [];
    case 'integer': return v.choices ? v.choices.map((n) => [String(n), n]) : [[String(v.min), v.min], [String(Math.min(v.max, 2 ** 40)), Math.min(v.max, 2 ** 40)]];
    case 'size': return [[fmtSize(v.min), v.min], [fmtSize(v.max), v.max], ...(v.default !== undefined ? [[fmtSize(v.default), v.default] as [string, number]] : [])];
    case 'duration': return [[String(v.min), v.min], [String(v.max), v.max]];
    case 'enum': return v.values.map((x) => [x, x]);
    case 'path': return [[tmp, tmp]];
    case 'bind': return [[tmp, tmp], [`${tmp}:${tmp}`, tmp], [`${tmp}:/g/./h/`, `${tmp}\0/g/h`]];
    case 'assign': return [['A=b=c', 'A=b=c'], ['A=', 'A=']];
    case 'ports': return [['8080:80', '8080:80'], ['1:65535', '1:65535'], ['08080:0080', '8080:80']];
    case 'text': return [['', ''], ['console=ttyS0 root=/dev/vda', 'console=ttyS0 root=/dev/vda']];
  }
}

/** Values the option's kind and limits say are absurd. */
function invalid(s: OptionSpec): string[] {
  const v = s.value;
  switch (v.kind) {
    case 'none': return [];
    case 'integer': return ['abc', '-1', '1.5', v.choices ? String(Math.max(...v.choices) + 1) : String(v.max + 1), ...(v.choices ? ['0'] : v.min > 0 ? [String(v.min - 1)] : [])];
    case 'size': return ['lots', '-1', `${v.max + (v.multiple ?? 1)}`, '1T', ...(v.min > 0 ? [String(v.min - 1)] : []), ...(v.multiple ? [String(v.min + 1)] : [])];
    case 'duration': return ['abc', '-1', String(v.min / 10), String(v.max * 10)];
    case 'enum': return ['bogus', ''];
    case 'path': return ['', ...(v.dir ? [`${tmp}/no-such-dir`] : [])];
    case 'bind': return ['', `${tmp}/no-such-dir`, `${tmp}:`, ':/g', `${tmp}:g`, `${tmp}:/proc/x`, `${tmp}:/dev`];
    case 'assign': return ['A', '=b', ''];
    case 'ports': return ['', '80', '0:80', '80:65536', 'a:b', '80:80:80', ':80'];
    case 'text': return []; // any text is a command line
  }
}

function throwsUsage(fn: () => unknown, want: RegExp, what: string): void {
  assert.throws(fn, (e: unknown) => e instanceof UsageError && want.test(e.message), what);
}

for (const c of ALL) {
  test(`lde ${c.name}: every option of the table is accepted with a valid value and refused with an invalid one`, () => {
    for (const s of c.options) {
      const name = s.name;
      if (s.action) {
        for (const w of [name, ...(s.aliases ?? [])]) {
          assert.throws(() => parse(c, [w]), (e: unknown) => e instanceof Request && e.what === s.action && e.command === c, w);
        }
        throwsUsage(() => parse(c, [`${name}=x`]), new RegExp(`^${name} takes no value`), `${name}=x`);
        continue;
      }
      if (s.value.kind === 'none') {
        assert.equal(parse(c, [name]).options.has(name), true, name);
        throwsUsage(() => parse(c, [`${name}=1`]), new RegExp(`^${name} takes no value`), `${name}=1`);
      }
      for (const [text, want] of valid(s)) {
        const forms = s.optional ? [[`${name}=${text}`]] : [[name, text], [`${name}=${text}`]];
        for (const args of forms) {
          const o = parse(c, args).options;
          const got = s.repeatable ? o.list(name)[0] : typeof want === 'number' ? o.number(name) : o.string(name);
          assert.equal(got, want, args.join(' '));
        }
      }
      for (const text of invalid(s)) {
        const args = s.optional ? [`${name}=${text}`] : [name, text];
        throwsUsage(() => parse(c, args), new RegExp(`^${name}[ :=]`), args.join(' '));
      }
      if (s.value.kind !== 'none' && !s.optional) {
        throwsUsage(() => parseOptions(c, [name]), new RegExp(`^${name} needs a value`), `${name} with no value`);
      }
    }
  });
}

test('the important options, by hand: the values README promises and the absurd ones refused', () => {
  const ok = (c: CommandSpec, args: string[]) => parse(c, args).options;
  assert.equal(ok(RUN, []).number('--hz'), 250);
  assert.equal(ok(RUN, ['--hz', '1000']).number('--hz'), 1000);
  assert.equal(ok(RUN, ['--hz', '10']).number('--hz'), 10); // any rate from 10 to 10,000, as CONFIG_HZ is not limited to Linux's four presets here
  assert.equal(ok(RUN, ['--hz', '10000']).number('--hz'), 10000);
  assert.equal(ok(RUN, []).number('--mem'), 256 << 20);
  assert.equal(ok(RUN, ['--mem=64M']).number('--mem'), 64 << 20);
  assert.equal(ok(RUN, ['--max-time', '0.5']).number('--max-time'), 0.5);
  assert.equal(ok(RUN, []).number('--max-time'), undefined);
  assert.equal(ok(RUN, ['--stats']).string('--stats'), 'text');
  assert.equal(ok(RUN, ['--stats=json']).string('--stats'), 'json');
  assert.equal(ok(RUN, ['--strace']).string('--strace'), undefined);
  assert.equal(ok(RUN, ['--strace']).has('--strace'), true);
  assert.equal(ok(RUN, ['--strace=log']).string('--strace'), 'log');
  assert.equal(ok(RUN, []).number('--seed'), 1);
  assert.equal(ok(BARE, []).number('--mem'), 128 << 20);
  assert.equal(ok(BARE, ['--max-insns', '10M']).number('--max-insns'), 10_000_000);
  assert.equal(ok(BARE, ['--max-insns', '1_000']).number('--max-insns'), 1000);
  assert.equal(ok(DEMO, ['--chapter=6']).number('--chapter'), 6);
  const refused: [CommandSpec, string[], RegExp][] = [
    [RUN, ['--hz', '0'], /^--hz: 0 is out of range \(10 to 10000\)$/],
    [RUN, ['--hz', '7'], /^--hz: 7 is out of range/],
    [RUN, ['--hz', '10001'], /^--hz: 10001 is out of range/],
    [RUN, ['--mem', '1T'], /^--mem: 1T is out of range/],
    [RUN, ['--mem', '100G'], /^--mem: 100G is out of range/],
    [RUN, ['--mem', '1048577'], /^--mem: 1048577 is not a multiple of 4K$/],
    [RUN, ['--max-time', '-1'], /^--max-time: '-1' is not a number of seconds from 0\.001 to 1000000$/],
    [RUN, ['--max-time', '0'], /^--max-time: '0' is not a number of seconds/],
    [RUN, ['--seed', String(2 ** 32)], /^--seed: 4294967296 is out of range \(0 to 4294967295\)$/],
    [RUN, ['--stats=xml'], /^--stats: 'xml' is not a format \(text or json\)$/],
    [RUN, ['--strace='], /^--strace=FILE: the file name is empty$/],
    [RUN, ['--no-timer', '--hz', '100'], /^--no-timer and --hz: choose one$/],
    [RUN, ['--rw', `${tmp}/nope`], /^--rw: .*nope is not a directory$/],
    [BARE, ['--mem', '3G'], /^--mem: 3G is out of range/],
    [BARE, ['--mem', '0'], /^--mem: 0 is out of range/],
    [BARE, ['--max-insns', '0'], /^--max-insns: 0 is out of range/],
    [DEMO, ['--chapter', '7'], /^--chapter: 7 is out of range \(1 to 6\)$/],
    [DEMO, ['--chapter', 'two'], /^--chapter: 'two' is not a whole number$/],
  ];
  for (const [c, args, want] of refused) throwsUsage(() => parse(c, args), want, `lde ${c.name} ${args.join(' ')}`);
});

test('options end at the first operand or at --, so a guest program keeps its own options', () => {
  assert.deepEqual(parseOptions(RUN, ['--hz', '100', 'hello', '--help', '--hz', 'x']).operands, ['hello', '--help', '--hz', 'x']);
  assert.deepEqual(parseOptions(RUN, ['--', '--hello']).operands, ['--hello']);
  assert.deepEqual(parseOptions(RUN, ['-']).operands, ['-']);
  assert.deepEqual(parseOptions(RUN, ['--rw', tmp, '--rw', ROOT, 'hello']).options.list('--rw'), [tmp, ROOT.replace(/\/$/, '')]);
  throwsUsage(() => parseOptions(RUN, []), /^missing PROGRAM \(usage: lde run \[options\] PROGRAM \[ARGS\.\.\.\]\)$/, 'no program');
  throwsUsage(() => parseOptions(BARE, ['a', 'b']), /^too many arguments: b /, 'two ELFs');
  throwsUsage(() => parseOptions(DEMO, ['extra']), /^unexpected argument 'extra' /, 'demo operand');
});

/** The option words in the `options:` section of a help text: `-h, --help` gives -h and --help. */
function helpOptions(text: string): string[] {
  const section = text.slice(text.indexOf('\noptions:\n'));
  return section.split('\n').flatMap((l) => (/^  -/.test(l) ? l.trim().split(/\s{2,}/)[0].split(', ').map((w) => w.replace(/[ [].*$/, '')) : []));
}

for (const c of ALL) {
  const spellings = c === LDE ? [['--help'], ['-h'], ['help']] : [[c.name, '--help'], [c.name, '-h'], ['help', c.name]];
  test(`lde ${c.name}: ${spellings.map((s) => `lde ${s.join(' ')}`).join(', ')} print the table's options on stdout and exit 0`, () => {
    const want = c.options.flatMap((s) => [...(s.aliases ?? []), s.name]).sort();
    for (const args of spellings) {
      const r = lde(args);
      assert.equal(r.status, 0, `lde ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, helpText(c));
      assert.deepEqual(helpOptions(r.stdout).sort(), want, `lde ${args.join(' ')}`);
      for (const s of c.options) assert.ok(r.stdout.includes(optionWords(s)), `${optionWords(s)} in lde ${args.join(' ')}`);
    }
  });
}

test('lde --help shows every option of every command, in each command\'s synopsis', () => {
  const r = lde(['--help']);
  for (const c of COMMANDS) {
    for (const s of c.options.filter((o) => !o.action)) {
      assert.ok(r.stdout.includes(`[${optionWords(s)}]`), `lde --help lacks ${c.name} ${s.name}`);
    }
  }
});

test('an unknown option gives one line naming it, a pointer to --help, and status 2', () => {
  for (const args of [['run', '--frob', 'hello'], ['bare', '--frob', 'x.elf'], ['demo', '--frob'], ['--frob']]) {
    const r = lde(args);
    const help = args[0] === '--frob' ? 'lde --help' : `lde ${args[0]} --help`;
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `lde: unknown option --frob (try: ${help})\n`);
  }
});

test('lde --version prints the version and exits 0; lde help with a bad command is a usage error', () => {
  const v = lde(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout, `lde ${JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version}\n`);
  const r = lde(['help', 'launch']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "lde: unknown command 'launch' (try: lde --help)\n");
});

test('README.md\'s option lists are the ones the tables make (node scripts/gen-options.mjs rewrites them)', () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  assert.equal(readmeWithOptions(readme), readme, 'README.md is stale: run npx tsc -p tsconfig.json && node scripts/gen-options.mjs');
  for (const c of ALL) {
    const block = readme.slice(readme.indexOf(`<!-- options:${c.name} -->`), readme.indexOf(`<!-- /options:${c.name} -->`));
    for (const s of c.options) assert.ok(block.includes('`' + s.name), `README's ${c.name} list lacks ${s.name}`);
  }
  // The check can fail: a hand edit inside a block, or a missing block, is caught.
  const edited = readme.replace('- `--hz N`:', '- `--hz N` (edited):');
  assert.notEqual(readmeWithOptions(edited), edited);
  assert.throws(() => readmeWithOptions(readme.replace('<!-- options:demo -->', '')), /options:demo/);
  const check = spawnSync(process.execPath, [`${ROOT}scripts/gen-options.mjs`, '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('--rw may be given twice: the guest writes under both directories', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not installed: the two-directory --rw program is not built');
  const dir = mkdtempSync(`${tmpdir()}/lde-cli-rw-`);
  try {
    writeFileSync(`${dir}/w.c`, [
      '#include <stdio.h>',
      'int main(int argc, char **argv) {',
      '  for (int i = 1; i < argc; i++) { FILE *f = fopen(argv[i], "w"); if (!f) { perror(argv[i]); return i; } fputs("ok\\n", f); fclose(f); }',
      '  return 0;',
      '}',
    ].join('\n'));
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/w`, `${dir}/w.c`], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const a = mkdtempSync(`${dir}/a-`), b = mkdtempSync(`${dir}/b-`);
    const r = lde(['run', '--rw', a, '--rw', b, `${dir}/w`, `${a}/one`, `${b}/two`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(`${a}/one`, 'utf8'), 'ok\n');
    assert.equal(readFileSync(`${b}/two`, 'utf8'), 'ok\n');
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
});

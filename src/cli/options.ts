// The shape of an option table, and the one parser that reads a command's
// argv from its table (src/cli/commands.ts holds the tables). The same table
// also gives --help, the usage line and README's option lists (help.ts).

import { statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { UsageError, fmtSize, parseCount, parseSeconds, parseSize } from './args.js';

/** What an option's value is. `meta` is its name in the usage text (N, SIZE, FILE). */
export type ValueKind =
  | { kind: 'none' }
  /** A whole number (10M = 10,000,000); `choices`, when given, are the only accepted values; `words` are accepted besides numbers (--epoch now). */
  | { kind: 'integer'; meta: string; min: number; max: number; choices?: readonly number[]; noun?: string; default?: number; words?: readonly string[] }
  /** Bytes, with binary units (64K, 256M, 2G); a multiple of `multiple` when given. */
  | { kind: 'size'; meta: string; min: number; max: number; multiple?: number; default?: number }
  /** Seconds of virtual time, fractions allowed. */
  | { kind: 'duration'; meta: string; min: number; max: number }
  /** One of a fixed set of words; `noun` names what they are (a format). */
  | { kind: 'enum'; meta: string; values: readonly string[]; noun: string; default?: string }
  /** A host path; `dir` asks for an existing directory, which is returned absolute. */
  | { kind: 'path'; meta: string; dir?: boolean }
  /** An existing host directory and, after a colon, the absolute guest path it is seen at (same path without one). */
  | { kind: 'bind'; meta: string }
  /** An environment entry, NAME=VALUE. */
  | { kind: 'assign'; meta: string }
  /** Two TCP ports, 1 to 65535, joined by a colon (--publish HOSTPORT:GUESTPORT). */
  | { kind: 'ports'; meta: string }
  /** Any text, the empty string included (a kernel command line). */
  | { kind: 'text'; meta: string };

export interface OptionSpec {
  /** The long name, with its dashes: `--mem`. */
  name: string;
  /** Other spellings (`-h`). */
  aliases?: readonly string[];
  value: ValueKind;
  /** The value comes only as `--name=VALUE`; a bare `--name` means the default (--stats, --strace). */
  optional?: boolean;
  /** May be given more than once; every value is kept, in order. */
  repeatable?: boolean;
  /** Options that may not be given together with this one. */
  conflicts?: readonly string[];
  /** What the parser does instead of returning: print help or the version, and exit 0. */
  action?: 'help' | 'version';
  /** One line, for --help and README. */
  help: string;
  /** More for README only (examples, messages, links). */
  details?: string;
}

export interface CommandSpec {
  /** The word after `lde` (`run`), or `lde` for the top level. */
  name: string;
  /** The positional arguments in the usage line, and how many there may be. */
  operands: { synopsis: string; min: number; max: number };
  /** One line: what the command does. */
  summary: string;
  options: readonly OptionSpec[];
}

/** Thrown by the parser for --help and --version: main prints the text on stdout and exits 0. */
export class Request extends Error {
  constructor(readonly what: 'help' | 'version', readonly command: CommandSpec) { super(what); }
}

type Value = true | number | string | string[];

/** The values of one command line, with the table's defaults for what was not given. */
export class Options {
  constructor(private readonly command: CommandSpec, private readonly given: ReadonlyMap<string, Value>,
    private readonly order: readonly (readonly [string, string])[] = []) {}

  /** The values of the repeatable options named, in command-line order across them (--ro and --rw binds). */
  sequence(...names: string[]): { name: string; value: string }[] {
    for (const n of names) if (!this.spec(n).repeatable) throw new Error(`option ${n} is not repeatable`);
    return this.order.filter(([n]) => names.includes(n)).map(([name, value]) => ({ name, value }));
  }

  /** Whether the option (by its long name) is on the command line. */
  has(name: string): boolean { this.spec(name); return this.given.has(name); }

  /** An integer, size or duration option's value, or its default (undefined when it has none). */
  number(name: string): number | undefined {
    const v = this.value(name);
    if (v !== undefined && typeof v !== 'number') throw new Error(`option ${name} is not a number`);
    return v;
  }

  /** An integer option that also takes words (--epoch now): the number or the word given, or the default. */
  numberOrWord(name: string): number | string | undefined {
    const v = this.value(name);
    if (typeof v === 'boolean' || Array.isArray(v)) throw new Error(`option ${name} is not a number or a word`);
    return v;
  }

  /** An enum or path option's value, or its default. */
  string(name: string): string | undefined {
    const v = this.value(name);
    if (v !== undefined && typeof v !== 'string') throw new Error(`option ${name} is not a string`);
    return v;
  }

  /** Every value of a repeatable option, in command-line order. */
  list(name: string): string[] {
    if (!this.spec(name).repeatable) throw new Error(`option ${name} is not repeatable`);
    return [...((this.given.get(name) as string[] | undefined) ?? [])];
  }

  /** The value given, or the default (also for an optional value left out: bare --stats). */
  private value(name: string): Value | undefined {
    const v = this.given.get(name);
    return v === undefined || v === true ? defaultOf(this.spec(name)) : v;
  }

  /** The table entry; a name not in the table is a bug in lde, not a usage error. */
  private spec(name: string): OptionSpec {
    const s = this.command.options.find((o) => o.name === name);
    if (!s) throw new Error(`lde ${this.command.name} has no option ${name}`);
    return s;
  }
}

export function defaultOf(s: OptionSpec): number | string | undefined {
  const v = s.value;
  return v.kind === 'integer' || v.kind === 'size' || v.kind === 'enum' ? v.default : undefined;
}

/** `lde run --help`: where a usage error points for more. */
export function tryHelp(c: CommandSpec): string {
  return c.name === 'lde' ? 'lde --help' : `lde ${c.name} --help`;
}

/**
 * Reads argv against the command's table. Options come first: parsing stops
 * at the first operand (so a guest program's own options pass through), at
 * `-` or after `--`. A value follows its option (`--mem 64M`) or joins it
 * (`--mem=64M`). Throws UsageError (one line) for anything the table does not
 * allow, and Request for --help and --version.
 */
export function parseOptions(c: CommandSpec, argv: readonly string[]): { options: Options; operands: string[] } {
  const given = new Map<string, Value>();
  const order: [string, string][] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const word = eq > 0 ? a.slice(0, eq) : a;
    const s = c.options.find((o) => o.name === word || o.aliases?.includes(word));
    if (!s) throw new UsageError(`unknown option ${word} (try: ${tryHelp(c)})`);
    let text: string | undefined;
    if (eq > 0 && s.value.kind === 'none') throw new UsageError(`${s.name} takes no value (got ${a})`);
    if (s.action) throw new Request(s.action, c);
    if (eq > 0) text = a.slice(eq + 1);
    else if (s.value.kind !== 'none' && !s.optional) {
      text = argv[++i];
      if (text === undefined) throw new UsageError(`${s.name} needs a value (${s.name} ${s.value.meta})`);
    }
    const v = text === undefined ? true : parseValue(s, text);
    if (s.repeatable) { given.set(s.name, [...((given.get(s.name) as string[] | undefined) ?? []), String(v)]); order.push([s.name, String(v)]); }
    else given.set(s.name, v);
  }
  checkConflicts(c, given);
  const operands = argv.slice(i);
  checkOperands(c, operands);
  return { options: new Options(c, given, order), operands };
}

/** One option's value from its text, checked against its kind. */
export function parseValue(s: OptionSpec, text: string): Value {
  const v = s.value;
  switch (v.kind) {
    case 'none': throw new UsageError(`${s.name} takes no value (got ${s.name}=${text})`);
    case 'integer': {
      if (v.words?.includes(text)) return text;
      if (v.words && !/^\d/.test(text.trim())) throw new UsageError(`${s.name}: '${text}' is not ${orList([...v.words, 'a whole number'])}`);
      if (!v.choices) return parseCount(s.name, text, v.min, v.max);
      const n = parseCount(s.name, text, 0);
      if (!v.choices.includes(n)) throw new UsageError(`${s.name}: ${n} is not a supported ${v.noun ?? 'value'} (${orList(v.choices.map(String))})`);
      return n;
    }
    case 'size': {
      const n = parseSize(s.name, text, v.min, v.max);
      if (v.multiple && n % v.multiple !== 0) throw new UsageError(`${s.name}: ${text} is not a multiple of ${fmtSize(v.multiple)}`);
      return n;
    }
    case 'duration': return parseSeconds(s.name, text, v.min, v.max);
    case 'enum':
      if (!v.values.includes(text)) throw new UsageError(`${s.name}: '${text}' is not a ${v.noun} (${orList(v.values)})`);
      return text;
    case 'path':
      if (text === '') throw new UsageError(`${s.name}${s.optional ? '=' : ' '}${v.meta}: the file name is empty`);
      return v.dir ? directory(s.name, text) : text;
    case 'bind': return bindValue(s.name, text);
    case 'text': return text;
    case 'assign':
      if (!/^[^=]+=/.test(text)) throw new UsageError(`${s.name}: '${text}' is not ${v.meta} (a name, '=', then the value)`);
      return text;
    case 'ports': {
      const m = /^(\d+):(\d+)$/.exec(text);
      if (!m || [m[1], m[2]].some((n) => Number(n) < 1 || Number(n) > 65535)) throw new UsageError(`${s.name}: '${text}' is not ${v.meta} (two ports, 1 to 65535, e.g. 8080:80)`);
      return `${Number(m[1])}:${Number(m[2])}`;
    }
  }
}

/** The guest paths the kernel provides itself: a bind may not be put under them. */
const KERNEL_DIRS = ['/dev', '/proc'];

/**
 * DIR or HOST:GUEST (split at the first colon): the host directory made
 * absolute, and the guest path, absolute and without "." or ".." (HOST's own
 * path when there is no colon). Returned as HOST, or HOST, NUL, GUEST when they differ (splitBind).
 */
function bindValue(opt: string, text: string): string {
  const colon = text.indexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon), guestText = colon < 0 ? undefined : text.slice(colon + 1);
  if (host === '' || guestText === '') throw new UsageError(`${opt}: '${text}' has an empty ${host === '' ? 'HOST' : 'GUEST'} path (DIR or HOST:GUEST)`);
  if (guestText !== undefined && !guestText.startsWith('/')) throw new UsageError(`${opt}: GUEST path '${guestText}' is not absolute (HOST:GUEST, e.g. /usr/riscv64-linux-gnu/lib:/lib)`);
  const abs = directory(opt, host);
  const guest = guestText === undefined ? abs : posix.normalize(guestText).replace(/(.)\/$/, '$1');
  const kernelDir = KERNEL_DIRS.find((d) => guest === d || guest.startsWith(`${d}/`));
  if (kernelDir) throw new UsageError(`${opt}: ${guest} is under ${kernelDir}, which the kernel provides`);
  return guest === abs ? abs : `${abs}\0${guest}`;
}

/** A bind option's value (bindValue): the host directory and the guest path. */
export function splitBind(value: string): { host: string; guest: string } {
  const nul = value.indexOf('\0');
  return nul < 0 ? { host: value, guest: value } : { host: value.slice(0, nul), guest: value.slice(nul + 1) };
}

/** An existing host directory, made absolute. */
function directory(opt: string, dir: string): string {
  const abs = resolve(dir);
  try { if (statSync(abs).isDirectory()) return abs; } catch { /* reported below */ }
  throw new UsageError(`${opt}: ${dir} is not a directory`);
}

function checkConflicts(c: CommandSpec, given: ReadonlyMap<string, Value>): void {
  for (const s of c.options) {
    for (const other of s.conflicts ?? []) {
      if (given.has(s.name) && given.has(other)) throw new UsageError(`${s.name} and ${other}: choose one`);
    }
  }
}

function checkOperands(c: CommandSpec, operands: readonly string[]): void {
  const { min, max, synopsis } = c.operands;
  const usage = `usage: ${usageLine(c)}`;
  if (operands.length < min) throw new UsageError(`missing ${synopsis.split(' ')[operands.length]} (${usage})`);
  if (operands.length > max) {
    throw new UsageError(max === 0 ? `unexpected argument '${operands[0]}' (${usage})` : `too many arguments: ${operands.slice(max).join(' ')} (${usage})`);
  }
}

/** `lde run [options] PROGRAM [ARGS...]`: the short form, for error lines. */
export function usageLine(c: CommandSpec): string {
  return [c.name === 'lde' ? 'lde' : `lde ${c.name}`, c.options.length ? '[options]' : '', c.operands.synopsis].filter((w) => w).join(' ');
}

/** 'a, b or c'. */
export function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

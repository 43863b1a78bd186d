// Text made from the option tables (commands.ts): `lde COMMAND --help`,
// `lde --help`, the full synopsis, and README's option lists (Markdown,
// written by scripts/gen-options.mjs and checked by test/cli-options.test.ts).

import { COMMANDS, LDE } from './commands.js';
import { fmtSize } from './args.js';
import { type CommandSpec, type OptionSpec, defaultOf, orList } from './options.js';

const WIDTH = 80;
/** The column where option descriptions start in --help. */
const COLUMN = 22;

/** How each placeholder is written, said once under the options that use it. */
const META_NOTES: Record<string, string> = {
  N: 'N: a whole number; k, M and G multiply by 1000 (10M = 10,000,000).',
  SIZE: 'SIZE: bytes, or a number with K, M, G or T (binary units): 64K, 256M, 2G.',
  SECONDS: 'SECONDS: of virtual time, fractions allowed (0.5).',
  'DIR[:GUEST]': 'DIR[:GUEST]: a host directory, seen at its own path or at GUEST (absolute; split at the first colon): --ro /usr/riscv64-linux-gnu/lib:/lib.',
};

/** The option as typed: `--mem SIZE`, `--strace[=FILE]`, `-h, --help`. */
export function optionWords(s: OptionSpec): string {
  const value = s.value.kind === 'none' ? '' : s.optional ? `[=${s.value.meta}]` : ` ${s.value.meta}`;
  return [...(s.aliases ?? []), s.name + value].join(', ');
}

/** Limits, default and rules of an option, from its kind: `100, 250, 300 or 1000; default 250`. */
export function constraint(s: OptionSpec): string {
  const v = s.value, parts: string[] = [];
  switch (v.kind) {
    case 'none': case 'path': case 'bind': case 'assign': case 'ports': break;
    case 'integer': parts.push((v.choices ? orList(v.choices.map(String)) : v.max === Number.MAX_SAFE_INTEGER ? `at least ${v.min}` : `${v.min} to ${v.max}`)
      + (v.words ? `, or ${orList(v.words)}` : '')); break;
    case 'size': parts.push(`${fmtSize(v.min)} to ${fmtSize(v.max)}${v.multiple ? `, a multiple of ${fmtSize(v.multiple)}` : ''}`); break;
    case 'duration': parts.push(`${v.min} to ${v.max}`); break;
    case 'enum': parts.push(orList(v.values)); break;
  }
  if (v.kind === 'path' && v.dir) parts.push('an existing directory');
  if (v.kind === 'bind') parts.push('DIR an existing directory');
  const d = defaultOf(s);
  if (d !== undefined) parts.push(`default ${v.kind === 'size' ? fmtSize(d as number) : d}`);
  if (s.repeatable) parts.push('may be repeated');
  if (s.conflicts?.length) parts.push(`not with ${orList(s.conflicts)}`);
  return parts.join('; ');
}

/** The option's line of help: its description and, in parentheses, its constraint. */
export function describe(s: OptionSpec): string {
  const c = constraint(s);
  return c ? `${s.help} (${c})` : s.help;
}

/** Every option in brackets, then the operands: `lde bare [--mem SIZE] ... ELF`, wrapped under its first word. */
export function synopsis(c: CommandSpec, width = WIDTH): string {
  const head = c.name === 'lde' ? 'lde' : `lde ${c.name}`;
  const words = c.options.filter((s) => !s.action).map((s) => `[${optionWords(s)}]${s.repeatable ? '...' : ''}`);
  if (c.operands.synopsis) words.push(c.operands.synopsis);
  return wrap(words, head + ' ', ' '.repeat(head.length + 1), width);
}

/** `lde COMMAND --help`. */
export function commandHelp(c: CommandSpec): string {
  const summary = c.summary[0].toUpperCase() + c.summary.slice(1) + '.';
  return [`usage: ${synopsis(c, WIDTH - 7).replace(/\n/g, '\n       ')}`, '', summary, '', 'options:', ...optionLines(c.options), ...notes([c]), ''].join('\n');
}

/** `lde --help`: every command with its full synopsis, then lde's own options. */
export function topHelp(): string {
  const lines = [`lde — ${LDE.summary}`, '', 'usage: lde COMMAND [options] [ARGS...]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(indent(synopsis(c, WIDTH - 2), '  '), `      ${c.summary}`);
  lines.push('  lde help COMMAND', "      a command's options, limits and defaults (also: lde COMMAND --help)");
  lines.push('', 'options:', ...optionLines(LDE.options), ...notes(COMMANDS), '');
  return lines.join('\n');
}

/** The help text for a command, or for lde itself. */
export function helpText(c: CommandSpec): string {
  return c === LDE ? topHelp() : commandHelp(c);
}

/** README's list for a command (between `<!-- options:NAME -->` markers): one Markdown item per option (lde's: per command too). */
export function readmeBlock(c: CommandSpec): string {
  const item = (words: string, text: string) => `- ${words}: ${text}`;
  const lines = c === LDE
    ? [...COMMANDS.map((x) => item('`' + synopsis(x, Infinity) + '`', x.summary + '.')),
      item('`lde help COMMAND`, `lde COMMAND --help`', "a command's options, limits and defaults.")]
    : [];
  for (const s of c.options) {
    const words = optionWords(s).split(', ').map((w) => '`' + w + '`').join(', ');
    lines.push(item(words, describe(s) + '.' + (s.details ? ' ' + s.details : '')));
  }
  // The placeholders are explained once, under lde's own list, a paragraph each.
  const extra = c === LDE ? notes(COMMANDS).flatMap((n) => (n ? ['', n] : [])) : [];
  return [`<!-- generated by scripts/gen-options.mjs from src/cli/commands.ts; do not edit -->`, ...lines, ...extra].join('\n');
}

/** The `options:` lines of --help: the option, then its description from column COLUMN, wrapped. */
function optionLines(options: readonly OptionSpec[]): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(COLUMN);
  for (const s of options) {
    const left = `  ${optionWords(s)}`;
    const text = wrap(describe(s).split(' '), pad, pad, WIDTH);
    if (left.length + 1 < COLUMN) lines.push(left + text.slice(left.length));
    else lines.push(left, text);
  }
  return lines;
}

/** A blank line and the notes for the placeholders the commands use, or nothing. */
function notes(commands: readonly CommandSpec[]): string[] {
  const metas = new Set(commands.flatMap((c) => c.options.map((s) => (s.value.kind === 'none' ? '' : s.value.meta))));
  const out = Object.keys(META_NOTES).filter((m) => metas.has(m)).map((m) => META_NOTES[m]);
  return out.length ? ['', ...out] : [];
}

/** Words joined by spaces into lines of at most `width` columns; the first line after `first`, the rest after `more`. */
function wrap(words: readonly string[], first: string, more: string, width: number): string {
  const lines = [first];
  for (const w of words) {
    const last = lines.length - 1;
    const fresh = lines[last] === first && last === 0 || lines[last] === more && last > 0;
    if (fresh || lines[last].length + 1 + w.length <= width) lines[last] += (fresh ? '' : ' ') + w;
    else lines.push(more + w);
  }
  return lines.join('\n');
}

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => by + l).join('\n');
}

/**
 * README.md with every `<!-- options:NAME -->` … `<!-- /options:NAME -->`
 * block (NAME: lde, run, bare, demo) made anew from the tables. Throws when
 * a command's block is missing or appears twice.
 */
export function readmeWithOptions(readme: string): string {
  let out = readme;
  for (const c of [LDE, ...COMMANDS]) {
    const open = `<!-- options:${c.name} -->`, close = `<!-- /options:${c.name} -->`;
    const start = out.indexOf(open), end = out.indexOf(close);
    if (start < 0 || end < start || out.indexOf(open, start + 1) >= 0) throw new Error(`README.md needs exactly one ${open} … ${close} block`);
    out = out.slice(0, start + open.length) + '\n' + readmeBlock(c) + '\n' + out.slice(end);
  }
  return out;
}

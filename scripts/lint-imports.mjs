#!/usr/bin/env node
// Enforces the dependency rule of DESIGN.md:
//   isa ← machine ← kernel ← experiment ← cli, web (src/web: the browser lab, no Node); trace imports none of them; elf imports nothing;
//   demo (the mini supervisor) sits beside kernel.
// Nothing under src/isa, src/elf, src/machine, src/kernel, src/firmware, src/trace or src/experiment imports node:* or the DOM.
// src/kernel and src/demo never touch guest RAM's arrays (.ram8/.ram16/.ram32/.ram64): they read and
// write physical memory only through board.phys (src/machine/phys.ts), which keeps the harts' decoded-
// instruction caches and LR reservations coherent (issue 8, bug 0).
// Exits 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
// For each layer: the layers it may import.
const ALLOWED = {
  isa: ['isa'],
  elf: ['elf'],
  trace: ['trace'],
  machine: ['machine', 'isa', 'elf', 'trace'],
  demo: ['demo', 'machine', 'isa', 'elf', 'trace'],
  kernel: ['kernel', 'machine', 'isa', 'elf', 'trace'],
  // The M-mode firmware and the guest loader stand on the machine, beside the kernel (never importing it).
  firmware: ['firmware', 'machine', 'isa', 'elf', 'trace'],
  // The experiments run kernels (lde's, and guest kernels through the firmware's loader) and read their events; the host (files, programs, drawing) comes in through ExperimentEnv.
  experiment: ['experiment', 'kernel', 'firmware', 'machine', 'isa', 'elf', 'trace'],
  cli: ['cli', 'demo', 'experiment', 'firmware', 'kernel', 'machine', 'isa', 'elf', 'trace'],
  // The browser lab: the page and its worker, beside the CLI (never importing it), in the browser (never Node).
  web: ['web', 'experiment', 'kernel', 'firmware', 'machine', 'isa', 'elf', 'trace'],
};
const PURE = ['isa', 'elf', 'trace', 'machine', 'kernel', 'demo', 'experiment', 'firmware'];
const NODE_BUILTINS = /^(node:|fs$|path$|os$|child_process$|util$|crypto$|process$|worker_threads$|url$|buffer$|events$|stream$)/;
const DOM = /\b(document|window|navigator|HTMLElement|localStorage)\s*[.[]/;
const RAW_RAM = /\.ram(8|16|32|64)\b/;
// Files still on the raw arrays, owned by other work in issue 8; each is to move to board.phys / PhysMem,
// and then leave this list.

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

// src/kernel's folders, top to bottom; files directly in src/kernel are the top ('') except the leaves.
const KERNEL_LAYERS = ['', 'sys', 'net', 'fs', 'sched', 'signal', 'abi', 'mm'];
const KERNEL_LEAVES = ['kernel/errno.ts', 'kernel/cost.ts', 'kernel/host.ts'];
function kernelRank(path) {
  const p = path.replace(/\.js$/, '.ts');
  if (KERNEL_LEAVES.includes(p)) return KERNEL_LAYERS.length;
  const parts = p.split('/');
  return parts.length === 2 ? 0 : KERNEL_LAYERS.indexOf(parts[1]);
}

const problems = [];
for (const file of files(src)) {
  const layer = relative(src, file).split('/')[0];
  const text = readFileSync(file, 'utf8');
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const m of code.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    const where = relative(root, file);
    if (NODE_BUILTINS.test(spec)) {
      if (PURE.includes(layer)) problems.push(`${where}: imports '${spec}' (src/${layer} must not import Node; put host I/O behind an interface)`);
      if (layer === 'web') problems.push(`${where}: imports '${spec}' (src/web runs in the browser, which has no Node)`);
      continue;
    }
    if (!spec.startsWith('.')) continue;
    const target = relative(src, resolve(dirname(file), spec)).split('/')[0];
    const allowed = ALLOWED[layer];
    if (allowed && !allowed.includes(target)) problems.push(`${where}: imports src/${target} ('${spec}'), but src/${layer} may import only ${allowed.map((l) => 'src/' + l).join(', ')}`);
    // DESIGN.md: the kernel (and the demo supervisor) reach the hardware only through the machine's port.
    const resolved = relative(src, resolve(dirname(file), spec));
    // The kernel's subsystems are layered (src/kernel/README.md): a run-time import may only go down the list.
    if (layer === 'kernel' && target === 'kernel' && !/^(?:import|export)\s+type\b/.test(m[0])) {
      const from = kernelRank(relative(src, file)), to = kernelRank(resolved);
      if (to < from) problems.push(`${where}: imports ${resolved} at run time, but src/kernel is layered ${KERNEL_LAYERS.map((l) => l || 'kernel.ts/trap.ts').join(' → ')} and ${resolved.split('/')[1]} is above ${relative(src, file).split('/')[1]} (import a type, or reach it through the Kernel)`);
    }
    if ((layer === 'kernel' || layer === 'demo') && target === 'machine' && resolved !== 'machine/index.js') problems.push(`${where}: imports ${resolved}; src/${layer} may use the machine only through src/machine/index.ts`);
  }
  // The kernel port (src/machine/port.ts): the kernel and the demo see the hart as a HartPort (board.port), never the Hart class.
  if ((layer === 'kernel' || layer === 'demo') && /\bboard\.hart\b|\bHart\b(?!Port)/.test(code)) problems.push(`${relative(root, file)}: reaches the Hart itself; src/${layer} may use only board.port (HartPort)`);
  const rel = relative(root, file);
  if ((layer === 'kernel' || layer === 'demo') && RAW_RAM.test(code)) {
    problems.push(`${rel}: touches guest RAM directly (${code.match(RAW_RAM)[0]}); src/${layer} reads and writes physical memory only through board.phys (PhysMem), which keeps decoded code and LR reservations coherent`);
  }
  if (PURE.includes(layer) && DOM.test(code)) problems.push(`${relative(root, file)}: uses the DOM (src/${layer} must stay host-neutral)`);
}
if (problems.length) {
  for (const p of problems) console.error(`lint-imports: ${p}`);
  process.exit(1);
}
console.log(`lint-imports: dependency rule holds (${[...files(src)].length} files)`);

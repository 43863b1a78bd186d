// The project's own TypeScript sources, for tests about the tree itself.
import { readdirSync } from 'node:fs';
import { ROOT } from './cli.js';

/** Every .ts file (not .d.ts) under ROOT + dir, as paths relative to ROOT (e.g. 'src/elf/elf.ts'), sorted. */
export function tsFiles(dir = 'src'): string[] {
  const out: string[] = [];
  for (const e of readdirSync(`${ROOT}${dir}`, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

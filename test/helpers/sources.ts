// The project's own TypeScript sources, for tests about the tree itself.
import { readdirSync } from 'node:fs';
import { ROOT } from './cli.js';

/** Every .ts file under ROOT + dir, as paths relative to ROOT (e.g. 'src/elf/elf.ts'), sorted; .d.ts files only when asked. */
export function tsFiles(dir = 'src', declarations = false): string[] {
  const out: string[] = [];
  for (const e of readdirSync(`${ROOT}${dir}`, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel, declarations));
    else if (e.name.endsWith('.ts') && (declarations || !e.name.endsWith('.d.ts'))) out.push(rel);
  }
  return out.sort();
}

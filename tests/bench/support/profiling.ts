import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { mainThreadProfile, printProfile } from './cpu-profile.js';
import { outputDir } from './temp-dir.js';

/**
 * `--profile`: node flags that make a server child write a CPU profile at exit, and a way to print its
 * top self time afterwards. Profiles stay in the output folder for a closer look in DevTools.
 */
export interface Profiling {
  nodeArgs: string[];
  /** prints the main thread's profile, if one was written */
  print(title: string, per?: { count: number; unit: string }): void;
}

export function profiling(enabled: boolean, name: string): Profiling {
  if (!enabled) return { nodeArgs: [], print: () => {} };
  const dir = mkdtempSync(join(outputDir(), `${name}-`));
  return {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    print(title, per) {
      const file = mainThreadProfile(dir);
      if (file) printProfile(title, file, 15, per);
      else console.log(`${title}: no profile written in ${dir}`);
    },
  };
}

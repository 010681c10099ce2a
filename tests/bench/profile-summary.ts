/**
 * Top self time of a V8 CPU profile (written by `node --cpu-prof`), by function and by module.
 *
 *   node --import tsx tests/bench/profile-summary.ts <file.cpuprofile | folder> [top]
 */
import { statSync } from 'node:fs';
import { mainThreadProfile, printProfile } from './support/cpu-profile.js';

const [target, top] = process.argv.slice(2);
if (!target) {
  console.error('usage: node --import tsx tests/bench/profile-summary.ts <file.cpuprofile | folder> [top]');
  process.exit(2);
}
const file = statSync(target).isDirectory() ? mainThreadProfile(target) : target;
if (!file) {
  console.error(`no main-thread .cpuprofile in ${target}`);
  process.exit(1);
}
printProfile('profile', file, Number(top ?? 20));

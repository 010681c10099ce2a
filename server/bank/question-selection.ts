import type { Bank, Level, Question } from './bank-schema.js';
import { LEVELS } from './bank-schema.js';
import type { LevelChoice } from '../realtime/contract.js';

export interface SelectionCriteria {
  level: LevelChoice;
  /** empty means every topic */
  topics: readonly string[];
  count: number;
}

/**
 * Picks `count` distinct questions. A named level takes that level's questions first and tops up
 * from the nearest levels when it has too few; `mixed` takes questions from every level, easiest
 * first. Topics filter the pool when any match. `random` makes the order vary between sessions;
 * pass a seeded one for repeatable picks.
 */
export function selectQuestions(bank: Bank, criteria: SelectionCriteria, random: () => number = Math.random): Question[] {
  const wanted = new Set(criteria.topics);
  const onTopic = wanted.size ? bank.questions.filter((q) => q.topics.some((t) => wanted.has(t))) : bank.questions;
  const pool = onTopic.length ? onTopic : bank.questions;
  const count = Math.min(criteria.count, pool.length);

  const byLevel = new Map<Level, Question[]>(LEVELS.map((l) => [l, shuffle(pool.filter((q) => q.level === l), random)]));
  let picked: Question[];
  if (criteria.level === 'mixed') {
    picked = [];
    // deal round-robin across levels so a short mixed interview still spans them
    while (picked.length < count) {
      for (const l of LEVELS) {
        const q = byLevel.get(l)!.shift();
        if (q && picked.length < count) picked.push(q);
      }
    }
  } else {
    const order = levelsByDistance(criteria.level);
    picked = order.flatMap((l) => byLevel.get(l)!).slice(0, count);
  }
  const rank = (q: Question) => LEVELS.indexOf(q.level);
  // easiest first, as an interviewer warms up; stable within a level so the shuffle holds
  return picked.map((q, i) => ({ q, i })).sort((a, b) => rank(a.q) - rank(b.q) || a.i - b.i).map((x) => x.q);
}

function levelsByDistance(level: Level): Level[] {
  const i = LEVELS.indexOf(level);
  return [...LEVELS].sort((a, b) => Math.abs(LEVELS.indexOf(a) - i) - Math.abs(LEVELS.indexOf(b) - i));
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

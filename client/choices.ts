import type { LevelChoice, Mode } from '../server/realtime/contract.js';
import type { Band } from '../server/scoring/assessment.js';

/**
 * Run-time copies of the contract's enums. The contract module imports zod, so the client only imports
 * its types; `satisfies` makes the compiler flag any drift between these lists and the contract.
 */
export const LEVELS = [
  { value: 'mixed', label: 'Mixed', hint: 'A spread across all levels' },
  { value: 'beginner', label: 'Beginner', hint: 'Fundamentals and definitions' },
  { value: 'intermediate', label: 'Intermediate', hint: 'Trade-offs and everyday practice' },
  { value: 'advanced', label: 'Advanced', hint: 'Design at scale and failure modes' },
] as const satisfies ReadonlyArray<{ value: LevelChoice; label: string; hint: string }>;

export const MODES = [
  { value: 'practice', label: 'Practice', hint: 'A score card after every answer, so you can adjust as you go.' },
  { value: 'realistic', label: 'Realistic', hint: 'No feedback until the end, like a real interview.' },
] as const satisfies ReadonlyArray<{ value: Mode; label: string; hint: string }>;

export const BANDS = ['weak', 'fair', 'good', 'strong'] as const satisfies ReadonlyArray<Band>;

/** Same cut-offs as the server's `bandFor`: weak < 40 <= fair < 60 <= good < 80 <= strong. */
export function bandFor(overall: number): Band {
  if (overall >= 80) return 'strong';
  if (overall >= 60) return 'good';
  if (overall >= 40) return 'fair';
  return 'weak';
}

export function isLevel(value: string): value is LevelChoice {
  return LEVELS.some((l) => l.value === value);
}

export function isMode(value: string): value is Mode {
  return MODES.some((m) => m.value === value);
}

export const QUESTION_COUNT = { min: 1, max: 18, default: 5 } as const;
export const FOLLOW_UPS = { min: 0, max: 3, default: 1 } as const;
/** Matches the contract's MAX_ANSWER_CHARS; the server may enforce a lower limit and says so in its ack. */
export const MAX_ANSWER_CHARS = 8000;

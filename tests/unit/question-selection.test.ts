import { describe, expect, it } from 'vitest';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { selectQuestions } from '../../server/bank/question-selection.js';

const bank = loadBanks('data/banks').defaultBank();

function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('question selection', () => {
  it('picks only the requested level when it has enough questions, with no repeats', () => {
    const qs = selectQuestions(bank, { level: 'intermediate', topics: [], count: 4 }, seeded(1));
    expect(qs).toHaveLength(4);
    expect(new Set(qs.map((q) => q.id)).size).toBe(4);
    expect(qs.every((q) => q.level === 'intermediate')).toBe(true);
  });

  it('tops up from the nearest level when the requested one runs out', () => {
    const qs = selectQuestions(bank, { level: 'beginner', topics: [], count: 9 }, seeded(2));
    expect(qs.filter((q) => q.level === 'beginner')).toHaveLength(6);
    expect(qs.filter((q) => q.level === 'intermediate')).toHaveLength(3);
    expect(new Set(qs.map((q) => q.id)).size).toBe(9);
  });

  it('mixed spans every level, easiest first', () => {
    const qs = selectQuestions(bank, { level: 'mixed', topics: [], count: 3 }, seeded(3));
    expect(qs.map((q) => q.level)).toEqual(['beginner', 'intermediate', 'advanced']);
  });

  it('filters by topic and never asks more than the pool holds', () => {
    const qs = selectQuestions(bank, { level: 'mixed', topics: ['security'], count: 18 }, seeded(4));
    expect(qs.length).toBeGreaterThan(0);
    expect(qs.every((q) => q.topics.includes('security'))).toBe(true);
  });

  it('can pick all 18 questions without repeats', () => {
    const qs = selectQuestions(bank, { level: 'mixed', topics: [], count: 50 }, seeded(5));
    expect(new Set(qs.map((q) => q.id)).size).toBe(18);
  });
});

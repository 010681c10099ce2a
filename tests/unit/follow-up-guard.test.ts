import { describe, expect, it } from 'vitest';
import { loadBanks } from '../../server/bank/bank-loader.js';
import { revealsAnswer } from '../../server/interview/follow-up.js';

const bank = loadBanks('data/banks').defaultBank();

describe('follow-up guard', () => {
  it('accepts every bank follow-up: they set the line for what may be said', () => {
    for (const q of bank.questions) for (const p of q.keyPoints) expect(revealsAnswer(p.followUp, q, p), `${q.id}/${p.id}`).toBe(false);
  });

  it('rejects a follow-up that names the missed point or quotes the reference', () => {
    const q = bank.questions.find((x) => x.id === 'concurrent-updates')!;
    const point = q.keyPoints[0]!;
    const cue = point.cues.find((c) => !point.followUp.toLowerCase().includes(c.toLowerCase()))!;
    expect(revealsAnswer(`Have you thought about ${cue}?`, q, point)).toBe(true);
    const run = q.reference.split(/\s+/).slice(0, 8).join(' ');
    expect(revealsAnswer(`What about this: ${run}?`, q, point)).toBe(true);
    expect(revealsAnswer('Walk me through what happens when two people save the same record at the same moment.', q, point)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../server/llm/circuit-breaker.js';
import { createConcurrencyLimiter } from '../../server/llm/concurrency-limiter.js';
import { partialStringField } from '../../server/llm/partial-json.js';
import { retryAfterMs } from '../../server/llm/retry-policy.js';
import { validateReply } from '../../server/llm/structured-completion.js';
import { locateQuote } from '../../server/llm/verbatim-quote.js';
import { overallScore } from '../../server/scoring/llm-scorer.js';
import { z } from 'zod';

describe('locateQuote', () => {
  const answer = 'We use “optimistic locking”  with a\nversion column; conflicts retry.';

  it('returns the exact substring of the answer despite case, whitespace and quote-style differences', () => {
    expect(locateQuote(answer, 'OPTIMISTIC LOCKING" with a version column')).toBe('optimistic locking”  with a\nversion column');
    expect(locateQuote(answer, '"we use "optimistic locking" with a version column;"')).toBe('We use “optimistic locking”  with a\nversion column;');
  });

  it('rejects paraphrases, elided quotes and trivially short quotes', () => {
    expect(locateQuote(answer, 'optimistic concurrency control')).toBeUndefined();
    expect(locateQuote(answer, 'We use ... version column')).toBeUndefined();
    expect(locateQuote(answer, 'we')).toBeUndefined();
    expect(locateQuote(answer, '')).toBeUndefined();
  });

  it('ignores a trailing ellipsis the model added', () => {
    expect(locateQuote(answer, 'conflicts retry...')).toBe('conflicts retry');
  });
});

describe('partialStringField', () => {
  it('reads a growing string value, holding back a half-received escape', () => {
    expect(partialStringField('{"points":[],"feed', 'feedback')).toBeUndefined();
    expect(partialStringField('{"feedback": "Good', 'feedback')).toEqual({ value: 'Good', complete: false });
    expect(partialStringField('{"feedback": "Good \\', 'feedback')).toEqual({ value: 'Good ', complete: false });
    expect(partialStringField('{"feedback": "a\\u00', 'feedback')).toEqual({ value: 'a', complete: false });
    expect(partialStringField('{"feedback": "a\\ud83d', 'feedback')).toEqual({ value: 'a', complete: false });
    expect(partialStringField('{"feedback": "a\\ud83d\\ude80 \\"q\\"\\n"}', 'feedback')).toEqual({ value: 'a🚀 "q"\n', complete: true });
  });

  it('does not match the key name inside another string', () => {
    expect(partialStringField('{"note": "the \\"feedback\\": \\"x", "feedback": "real', 'feedback')).toEqual({ value: 'real', complete: false });
  });
});

describe('validateReply', () => {
  const schema = z.object({ n: z.number() });
  it('accepts JSON wrapped in a code fence', () => {
    expect(validateReply('```json\n{"n": 1}\n```', schema)).toEqual({ ok: true, value: { n: 1 } });
  });
  it('names the field that failed', () => {
    const r = validateReply('{"n": "one"}', schema);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/^The JSON does not match the schema: n: /);
  });
});

describe('overallScore', () => {
  const all = (score: number) => ({ accuracy: score, depth: score, practice: score, communication: score });

  it('is 100 for every point covered with top criteria, 0 for nothing', () => {
    expect(overallScore([{ weight: 2, core: true, verdict: 'covered' }], all(4))).toBe(100);
    expect(overallScore([{ weight: 2, core: true, verdict: 'missing' }], all(0))).toBe(0);
  });

  it('gives half credit for partial points, weighted by point weight', () => {
    // coverage (4*0.5 + 1*1)/5 = 0.6, quality 0.5 -> 100*(0.36 + 0.2) = 56
    const points = [
      { weight: 4, core: true, verdict: 'partial' as const },
      { weight: 1, core: false, verdict: 'covered' as const },
    ];
    expect(overallScore(points, all(2))).toBe(56);
  });

  it('caps at 39 when nothing from the rubric was shown, whatever the criteria say', () => {
    expect(overallScore([{ weight: 1, core: true, verdict: 'missing' }], all(4))).toBe(39);
  });
});

describe('retryAfterMs', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(h({ 'retry-after': '60' }))).toBe(60_000);
    expect(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMs(h({}))).toBeUndefined();
  });
});

describe('circuit breaker and concurrency limiter', () => {
  it('a success resets the consecutive-failure count', () => {
    const b = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 10, now: () => 0 });
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    expect(b.state).toBe('closed');
    b.recordFailure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('a queued task whose signal aborts leaves the queue without running', async () => {
    const limiter = createConcurrencyLimiter(1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let ran = false;
    const second = limiter.run(async () => {
      ran = true;
    }, controller.signal);
    expect(limiter.waiting).toBe(1);
    controller.abort(new Error('gone'));
    await expect(second).rejects.toThrow('gone');
    expect(limiter.waiting).toBe(0);
    release();
    await first;
    expect(ran).toBe(false);
    expect(limiter.active).toBe(0);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPoint } from '../../server/bank/bank-schema.js';
import { configFor } from '../../server/config.js';
import { chatModelFromConfig } from '../../server/llm/chat-model.js';
import { createCircuitBreaker } from '../../server/llm/circuit-breaker.js';
import type { Assessment } from '../../server/scoring/assessment.js';
import { createLlmScorer, type GradeResult, type LlmGrader } from '../../server/scoring/llm-scorer.js';
import { createOfflineScorer } from '../../server/scoring/offline-scorer.js';
import { createScorer, type ScorerOutcome } from '../../server/scoring/scorer-chain.js';
import type { Scorer, ScoringInput } from '../../server/scoring/scorer.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';

const point = (id: string, label: string, weight: number, core: boolean, cues: string[]): KeyPoint => ({
  id,
  label,
  weight,
  core,
  cues,
  followUp: `What would you say about ${label.toLowerCase()}?`,
});

const INPUT: ScoringInput = {
  question: 'How do you invalidate a JWT before it expires?',
  reference: 'Keep access tokens short-lived, use refresh tokens with rotation, and keep a revocation list checked on each request.',
  tip: 'Cover token revocation.',
  keyPoints: [
    point('short-lived', 'Short-lived access tokens', 4, true, ['short-lived', 'short expiry']),
    point('revocation-list', 'A revocation list or denylist', 5, true, ['revocation list', 'denylist', 'blacklist']),
  ],
  answer: 'I keep access tokens short-lived, about five minutes, and check a Redis denylist of revoked token ids on every request.',
};

const GOOD_REPLY = JSON.stringify({
  points: [
    { pointId: 'short-lived', verdict: 'covered', evidence: 'keep access tokens short-lived' },
    { pointId: 'revocation-list', verdict: 'covered', evidence: 'check a Redis denylist of revoked token ids' },
  ],
  criteria: {
    accuracy: { score: 4, note: 'Correct.' },
    depth: { score: 3, note: 'Good.' },
    practice: { score: 3, note: 'Redis, numbers.' },
    communication: { score: 4, note: 'Clear.' },
  },
  feedback: 'Strong answer: short expiry plus a denylist. Mention refresh-token rotation next time.',
});

let fake: FakeOpenAI;
const offline = createOfflineScorer();

/** A chain over the fake endpoint; small timeouts and backoff keep the suite fast. */
function chain(overrides: Parameters<typeof configFor>[0] = {}, extra: Partial<Parameters<typeof createScorer>[1]> = {}) {
  const config = configFor({ OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'chain-test', LLM_TIMEOUT_MS: 500, ...overrides });
  const outcomes: ScorerOutcome[] = [];
  const llm = createLlmScorer({ chat: chatModelFromConfig(config, { retry: { baseDelayMs: 20, maxDelayMs: 300 } }) });
  const scorer = createScorer(config, { offline, llm, onOutcome: (o) => outcomes.push(o), ...extra });
  return { scorer, outcomes };
}

async function timed(scorer: Scorer, input = INPUT, onDelta?: (t: string) => void): Promise<{ a: Assessment; ms: number }> {
  const started = Date.now();
  const a = await scorer.score(input, onDelta ? { onDelta } : {});
  return { a, ms: Date.now() - started };
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterEach(() => {
  fake.reset();
  fake.delayMs = 0;
  fake.reply(GOOD_REPLY);
});
afterAll(() => fake.close());

describe('scorer chain', () => {
  it('uses the offline scorer, and never the network, when no endpoint is configured', async () => {
    const outcomes: ScorerOutcome[] = [];
    const scorer = createScorer(configFor({}), { offline, onOutcome: (o) => outcomes.push(o) });
    const a = await scorer.score(INPUT);
    expect(a.scorer).toBe('offline');
    expect(a.fallbackReason).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
    expect(outcomes).toEqual([{ scorer: 'offline', fallback: false, latencyMs: expect.any(Number) }]);
  });

  it('SCORER=offline wins over a configured endpoint', async () => {
    const scorer = createScorer(configFor({ SCORER: 'offline', OPENAI_BASE_URL: fake.url }), { offline });
    expect((await scorer.score(INPUT)).scorer).toBe('offline');
    expect(fake.requests).toHaveLength(0);
  });

  it('grades with the LLM when it answers, and reports the outcome', async () => {
    fake.reply(GOOD_REPLY);
    const { scorer, outcomes } = chain();
    const { a } = await timed(scorer);
    expect(a).toMatchObject({ scorer: 'llm', model: 'chain-test', promptVersion: 'grader-v1' });
    expect(a.fallbackReason).toBeUndefined();
    expect(a.missing).toEqual([]);
    expect(outcomes).toEqual([{ scorer: 'llm', fallback: false, latencyMs: expect.any(Number), usage: { promptTokens: 120, completionTokens: 80 } }]);
  });

  it('builds the LLM grader from config when none is injected', async () => {
    fake.reply(GOOD_REPLY);
    const scorer = createScorer(configFor({ OPENAI_BASE_URL: fake.url, LLM_TIMEOUT_MS: 2000 }), { offline });
    expect((await scorer.score(INPUT)).scorer).toBe('llm');
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-local');
  });

  it('a timeout falls back to the offline scorer within LLM_TIMEOUT_MS + 1 s', async () => {
    fake.delayMs = 5000;
    const { scorer, outcomes } = chain({ LLM_TIMEOUT_MS: 500 });
    const { a, ms } = await timed(scorer);
    expect(a.scorer).toBe('offline');
    expect(a.fallbackReason).toBe('llm-timeout');
    expect(ms).toBeLessThan(1500);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(a.covered.map((c) => c.pointId)).toEqual(expect.arrayContaining(['short-lived']));
    expect(outcomes[0]).toMatchObject({ scorer: 'offline', fallback: true, reason: 'llm-timeout' });
  });

  it('a timeout while streaming falls back after some deltas, and the stream is cut off', async () => {
    // feedback first, so deltas flow from the start; the reply would need ~4 s to finish
    const slow = JSON.parse(GOOD_REPLY) as Record<string, unknown>;
    fake.reply(JSON.stringify({ feedback: slow.feedback, points: slow.points, criteria: slow.criteria }));
    fake.chunkDelayMs = 20;
    fake.chunkSize = 3;
    const deltas: string[] = [];
    try {
      const { scorer } = chain({ LLM_TIMEOUT_MS: 400 });
      const { a, ms } = await timed(scorer, INPUT, (t) => deltas.push(t));
      expect(a.fallbackReason).toBe('llm-timeout');
      expect(ms).toBeLessThan(1400);
      expect(deltas.length).toBeGreaterThan(0);
      expect(String(slow.feedback).startsWith(deltas.join(''))).toBe(true);
    } finally {
      fake.chunkDelayMs = 0;
      fake.chunkSize = 12;
    }
  });

  it('a grader that ignores the deadline is cut off on time, and its late deltas are not forwarded', async () => {
    const stubborn: LlmGrader = {
      kind: 'llm',
      model: 'stubborn',
      promptVersion: 'test',
      grade: (_input, options) =>
        new Promise<GradeResult>((resolve) => {
          options?.onDelta?.('early ');
          setTimeout(() => options?.onDelta?.('late'), 500);
          setTimeout(() => resolve({ ok: false, reason: 'error', detail: 'never mind', usage: { promptTokens: 0, completionTokens: 0 }, latencyMs: 700 }), 700);
        }),
    };
    const config = configFor({ OPENAI_BASE_URL: fake.url, LLM_TIMEOUT_MS: 200 });
    const scorer = createScorer(config, { offline, llm: stubborn });
    const deltas: string[] = [];
    const { a, ms } = await timed(scorer, INPUT, (t) => deltas.push(t));
    expect(a.fallbackReason).toBe('llm-timeout');
    expect(ms).toBeLessThan(450);
    await new Promise((r) => setTimeout(r, 400));
    expect(deltas).toEqual(['early ']);
  });

  it('a 429 with retry-after: 60 does not stall: it falls back at once', async () => {
    fake.fail(429, 1, { 'retry-after': '60' });
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 });
    const { a, ms } = await timed(scorer);
    expect(a.fallbackReason).toBe('llm-rate-limited');
    expect(ms).toBeLessThan(1000);
    expect(fake.requests).toHaveLength(1);
  });

  it('a 429 then success is retried and graded by the LLM', async () => {
    fake.fail(429, 1, { 'retry-after': '0' });
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 });
    const { a } = await timed(scorer);
    expect(a.scorer).toBe('llm');
    expect(fake.requests).toHaveLength(2);
  });

  it('repeated 500s fall back after the retries, without the provider message', async () => {
    fake.fail(500, 10);
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 });
    const { a } = await timed(scorer);
    expect(a.scorer).toBe('offline');
    expect(a.fallbackReason).toBe('llm-http-error');
    expect(fake.requests).toHaveLength(3);
    expect(JSON.stringify(a)).not.toContain('fake failure');
  });

  it.each([
    ['a truncated stream', () => fake.truncateNext(), 'llm-truncated'],
    ['a malformed stream', () => fake.malformNext(), 'llm-malformed-response'],
    ['a refusal', () => fake.refuseNext(), 'llm-refusal'],
    ['output invalid after the repair try', () => fake.reply('{"feedback": 42}'), 'llm-invalid-output'],
  ] as const)('%s falls back with %s', async (_name, arrange, reason) => {
    arrange();
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 });
    const { a } = await timed(scorer, INPUT, () => {});
    expect(a.scorer).toBe('offline');
    expect(a.fallbackReason).toBe(reason);
    expect(a.overall).toBeGreaterThan(0);
  });

  it('a cancelled call falls back as llm-aborted', async () => {
    fake.delayMs = 2000;
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const a = await scorer.score(INPUT, { signal: controller.signal });
    expect(a.fallbackReason).toBe('llm-aborted');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('the circuit opens after repeated failures, sends nothing while open, and closes after the cool-down', async () => {
    let now = 1_000_000;
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: () => now });
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 }, { circuit: breaker });

    fake.fail(400, 3); // not retried: one request per score
    for (let i = 0; i < 3; i++) expect((await scorer.score(INPUT)).fallbackReason).toBe('llm-http-error');
    expect(breaker.state).toBe('open');
    expect(fake.requests).toHaveLength(3);

    const whileOpen = await scorer.score(INPUT);
    expect(whileOpen).toMatchObject({ scorer: 'offline', fallbackReason: 'llm-circuit-open' });
    now += 9_999;
    expect((await scorer.score(INPUT)).fallbackReason).toBe('llm-circuit-open');
    expect(fake.requests).toHaveLength(3);

    now += 1; // cool-down over: one trial call, which succeeds
    expect((await scorer.score(INPUT)).scorer).toBe('llm');
    expect(breaker.state).toBe('closed');
    expect((await scorer.score(INPUT)).scorer).toBe('llm');
    expect(fake.requests).toHaveLength(5);
  });

  it('a failed trial call in half-open opens the circuit for another cool-down', async () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: () => now });
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 }, { circuit: breaker });
    fake.fail(400, 2);
    await scorer.score(INPUT);
    now = 1000;
    expect((await scorer.score(INPUT)).fallbackReason).toBe('llm-http-error');
    expect(breaker.state).toBe('open');
    now = 1500;
    expect((await scorer.score(INPUT)).fallbackReason).toBe('llm-circuit-open');
    expect(fake.requests).toHaveLength(2);
  });

  it('in half-open only one caller reaches the endpoint', async () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: () => now });
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 }, { circuit: breaker });
    fake.fail(400, 1);
    await scorer.score(INPUT);
    now = 1000;
    fake.delayMs = 100;
    const results = await Promise.all([scorer.score(INPUT), scorer.score(INPUT), scorer.score(INPUT)]);
    expect(results.map((a) => a.scorer).sort()).toEqual(['llm', 'offline', 'offline']);
    expect(fake.requests).toHaveLength(2);
  });

  it('streams deltas through the chain that concatenate to the final feedback', async () => {
    fake.reply(GOOD_REPLY);
    // spaced out, as a model writes: a burst arriving at once would be one delta
    fake.chunkDelayMs = 1;
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000 });
    const deltas: string[] = [];
    const { a } = await timed(scorer, INPUT, (t) => deltas.push(t)).finally(() => (fake.chunkDelayMs = 0));
    expect(a.scorer).toBe('llm');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(a.feedback);
  });

  it('respects LLM_MAX_CONCURRENCY across concurrent score calls', async () => {
    fake.reply(GOOD_REPLY);
    fake.delayMs = 60;
    const { scorer } = chain({ LLM_TIMEOUT_MS: 5000, LLM_MAX_CONCURRENCY: 3 });
    const results = await Promise.all(Array.from({ length: 9 }, () => scorer.score(INPUT)));
    expect(results.every((a) => a.scorer === 'llm')).toBe(true);
    expect(fake.maxInFlight).toBe(3);
  });

  it('a queued call that waits past the deadline falls back instead of waiting on', async () => {
    fake.reply(GOOD_REPLY);
    fake.delayMs = 600;
    const { scorer } = chain({ LLM_TIMEOUT_MS: 1000, LLM_MAX_CONCURRENCY: 1 });
    const started = Date.now();
    // the second call could only finish after ~1200 ms of queueing and waiting
    const results = await Promise.all([scorer.score(INPUT), scorer.score(INPUT)]);
    expect(results.map((a) => a.fallbackReason ?? a.scorer)).toEqual(['llm', 'llm-timeout']);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

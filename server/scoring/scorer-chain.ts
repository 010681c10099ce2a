import { useLlm, type Config } from '../config.js';
import { chatModelFromConfig } from '../llm/chat-model.js';
import { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from '../llm/circuit-breaker.js';
import { isTimeoutReason, type LlmFailureReason } from '../llm/llm-failure.js';
import type { Usage } from '../llm/usage.js';
import type { Assessment } from './assessment.js';
import { createLlmScorer, type GradeResult, type LlmGrader } from './llm-scorer.js';
import type { ScoreOptions, Scorer, ScoringInput } from './scorer.js';

/**
 * The scorer the service uses. Offline when `useLlm(config)` is false. Otherwise the LLM grader, with
 * the offline scorer answering whenever the LLM cannot: timeout (LLM_TIMEOUT_MS, queueing and retries
 * included), HTTP errors after retries, a long Retry-After, invalid output after the repair try, a
 * refusal, a broken or truncated stream, or an open circuit. Such an assessment carries
 * `fallbackReason: 'llm-<reason>'`, a fixed string; the provider's message never gets into it.
 */

/** `llm-timeout`, `llm-rate-limited`, `llm-circuit-open`, ... (see LLM_FAILURE_REASONS) */
export type FallbackReason = `llm-${LlmFailureReason}`;

/** One scored answer, for metrics and logs. */
export interface ScorerOutcome {
  /** who produced the assessment */
  scorer: 'offline' | 'llm';
  /** the LLM was wanted but the offline scorer answered */
  fallback: boolean;
  reason?: FallbackReason;
  /** wall time of the whole score() call, ms */
  latencyMs: number;
  /** tokens spent, including on a failed LLM attempt */
  usage?: Usage;
}

export interface ScorerChainOptions {
  /** answers when the LLM is off, and whenever it fails */
  offline: Scorer;
  /** default: the grader over the configured endpoint (chatModelFromConfig + prompts/grader.md) */
  llm?: LlmGrader;
  /** options for a new breaker (defaults: 5 failures, 30 s cool-down), or a breaker to share */
  circuit?: CircuitBreakerOptions | CircuitBreaker;
  /** called once per score(); exceptions are ignored */
  onOutcome?: (outcome: ScorerOutcome) => void;
}

const isBreaker = (c: ScorerChainOptions['circuit']): c is CircuitBreaker =>
  typeof (c as CircuitBreaker | undefined)?.tryAcquire === 'function';

/** Reasons that say nothing about the endpoint's health and so do not move the circuit. */
const NEUTRAL: ReadonlySet<LlmFailureReason> = new Set(['aborted']);
/** The endpoint answered properly; the model just would not grade this answer. */
const HEALTHY: ReadonlySet<LlmFailureReason> = new Set(['refusal']);

/**
 * The service's Scorer (kind 'chain'). Whatever happens, score() resolves with an assessment: from the
 * LLM, or from `options.offline` with `fallbackReason` set. `latencyMs` of a fallback covers the whole
 * call, the failed LLM attempt included, since that is what the candidate waited.
 */
export function createScorer(config: Config, options: ScorerChainOptions): Scorer {
  const { offline } = options;
  const report = (outcome: ScorerOutcome) => {
    try {
      options.onOutcome?.(outcome);
    } catch {
      // metrics must never break scoring
    }
  };

  if (!useLlm(config)) {
    return {
      kind: 'chain',
      async score(input, scoreOptions) {
        const started = performance.now();
        const assessment = await offline.score(input, scoreOptions);
        report({ scorer: 'offline', fallback: false, latencyMs: elapsed(started) });
        return assessment;
      },
    };
  }

  const llm = options.llm ?? createLlmScorer({ chat: chatModelFromConfig(config) });
  const breaker = isBreaker(options.circuit) ? options.circuit : createCircuitBreaker(options.circuit);

  const fallBack = async (input: ScoringInput, reason: LlmFailureReason, started: number, usage?: Usage): Promise<Assessment> => {
    const fallbackReason: FallbackReason = `llm-${reason}`;
    const assessment = await offline.score(input);
    const latencyMs = elapsed(started);
    report({ scorer: 'offline', fallback: true, reason: fallbackReason, latencyMs, ...(usage ? { usage } : {}) });
    return { ...assessment, fallbackReason, latencyMs };
  };

  return {
    kind: 'chain',
    async score(input, scoreOptions: ScoreOptions = {}) {
      const started = performance.now();
      if (!breaker.tryAcquire()) return fallBack(input, 'circuit-open', started);

      // One deadline for everything the LLM path does: queueing for a slot, retries, streaming.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new DOMException(`no grade within ${config.LLM_TIMEOUT_MS} ms`, 'TimeoutError')),
        config.LLM_TIMEOUT_MS,
      );
      const signal = scoreOptions.signal ? AbortSignal.any([scoreOptions.signal, deadline.signal]) : deadline.signal;
      // Deltas stop the moment the chain gives up on the LLM, so a late piece never follows a fallback.
      let live = true;
      const onDelta = scoreOptions.onDelta;
      let result: GradeResult;
      try {
        result = await Promise.race([
          llm.grade(input, { signal, ...(onDelta ? { onDelta: (text: string) => live && onDelta(text) } : {}) }),
          // Backstop: even if something below ignores the signal, the deadline holds.
          abortedResult(signal, started),
        ]);
      } finally {
        live = false;
        clearTimeout(timer);
      }

      if (result.ok) {
        breaker.recordSuccess();
        report({
          scorer: 'llm',
          fallback: false,
          latencyMs: elapsed(started),
          ...(result.assessment.usage ? { usage: result.assessment.usage } : {}),
        });
        return result.assessment;
      }
      if (NEUTRAL.has(result.reason)) breaker.recordNeutral();
      else if (HEALTHY.has(result.reason)) breaker.recordSuccess();
      else breaker.recordFailure();
      return fallBack(input, result.reason, started, result.usage);
    },
  };
}

function elapsed(started: number): number {
  return Math.max(0, Math.round(performance.now() - started));
}

/** Resolves with a timeout/aborted failure when the signal aborts; never settles otherwise. */
function abortedResult(signal: AbortSignal, started: number): Promise<GradeResult> {
  return new Promise((resolve) => {
    const settle = () =>
      resolve({
        ok: false,
        reason: isTimeoutReason(signal.reason) ? 'timeout' : 'aborted',
        detail: 'deadline',
        usage: { promptTokens: 0, completionTokens: 0 },
        latencyMs: elapsed(started),
      });
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle, { once: true });
  });
}

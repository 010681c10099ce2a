import { useLlm, type Config } from './config.js';
import type { Logger } from './logger.js';
import { chatModelFromConfig } from './llm/chat-model.js';
import { createCircuitBreaker } from './llm/circuit-breaker.js';
import { createLlmFollowUpWriter } from './llm/follow-up-writer.js';
import { createLlmReportNarrator } from './llm/report-narrator.js';
import { createUsageMeter, type UsageMeter } from './llm/usage.js';
import { createOfflineScorer } from './scoring/offline-scorer.js';
import { createThreadedScorer } from './scoring/scoring-thread.js';
import { createLlmScorer } from './scoring/llm-scorer.js';
import { createScorer, type ScorerOutcome } from './scoring/scorer-chain.js';
import type { Scorer } from './scoring/scorer.js';
import type { FollowUpWriter } from './interview/follow-up.js';
import type { ReportNarrator } from './reports/report-service.js';

export interface ModelServices {
  scorer: Scorer;
  followUps?: FollowUpWriter;
  narrator?: ReportNarrator;
  /** process-wide LLM token totals; zero when offline */
  usage: UsageMeter;
  describe: string;
}

/**
 * What grades answers and writes text. Offline: the built-in scorer, bank follow-ups and rule-written
 * reports. With an endpoint configured: one chat model (one concurrency limit) shared by the grader,
 * the follow-up writer and the report narrator, each falling back to its offline counterpart.
 */
export function createModelServices(config: Config, logger: Logger, onOutcome?: (o: ScorerOutcome) => void): ModelServices {
  const usage = createUsageMeter();
  const inProcess = createOfflineScorer();
  const offline = config.SCORING_THREAD === 'on' ? createThreadedScorer(inProcess) : inProcess;
  const report = (o: ScorerOutcome) => {
    if (o.fallback) logger.warn({ reason: o.reason, latencyMs: o.latencyMs }, 'LLM grading failed; the built-in scorer answered');
    onOutcome?.(o);
  };
  if (!useLlm(config)) {
    return { scorer: createScorer(config, { offline, onOutcome: report }), usage, describe: 'offline' };
  }
  const chat = chatModelFromConfig(config, { usage });
  // one breaker for the endpoint: grading failures open it, and while it is open the follow-up writer
  // and the narrator do not wait out a timeout either; their offline counterparts answer at once
  const circuit = createCircuitBreaker({ onStateChange: (state) => logger.warn({ state }, 'LLM circuit breaker') });
  const followUps = createLlmFollowUpWriter({ chat, timeoutMs: config.LLM_TIMEOUT_MS });
  const narrator = createLlmReportNarrator({ chat, timeoutMs: config.LLM_TIMEOUT_MS });
  return {
    scorer: createScorer(config, { offline, llm: createLlmScorer({ chat }), circuit, onOutcome: report }),
    followUps: { write: async (input) => (circuit.state === 'open' ? null : followUps.write(input)) },
    narrator: { narrate: async (r) => (circuit.state === 'open' ? null : narrator.narrate(r)) },
    usage,
    describe: `llm (${config.OPENAI_MODEL}) with offline fallback`,
  };
}

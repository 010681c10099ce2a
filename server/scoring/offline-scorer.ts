import { bandFor, type Assessment } from './assessment.js';
import { overallScore } from './calibration.js';
import { deriveKeyPoints } from './derive-key-points.js';
import { evidenceFor, MAX_EVIDENCE_CHARS } from './evidence.js';
import { buildContext, measure, type ScoringContext } from './features.js';
import { criteriaFor, feedbackFor } from './feedback.js';
import { rubricFromKeyPoints } from './rubric.js';
import type { Scorer, ScoringInput } from './scorer.js';
import { clauseSpans } from './text/segments.js';
import { analyse, contentKeys } from './text/terms.js';

/**
 * Builds what an answer is measured against. Question, reference and rubric are the same for every
 * answer to a question, so callers scoring many answers may reuse the context.
 */
export function scoringContext(input: Omit<ScoringInput, 'answer'>): ScoringContext {
  const question = analyse(input.question);
  const reference = analyse(input.reference);
  const tip = input.tip ? analyse(input.tip) : undefined;
  const derived = deriveKeyPoints(input.reference, contentKeys(question), input.tip);
  const points = input.keyPoints.length > 0 ? rubricFromKeyPoints(input.keyPoints) : derived;
  return buildContext({ question, reference, ...(tip ? { tip } : {}), points, derived });
}

/**
 * The built-in rubric scorer: cue coverage of the key points (authored, or derived from the reference),
 * similarity to the reference and tip, and penalties for answers that are not explanations. Synchronous,
 * deterministic, a few milliseconds; depends on nothing but this input.
 */
export function scoreOffline(input: ScoringInput, context?: ScoringContext): Assessment {
  const started = performance.now();
  context ??= scoringContext(input);
  const f = measure(input.answer, context);
  const authored = input.keyPoints.length > 0;
  const overall = overallScore(f, authored);
  const clauses = clauseSpans(input.answer, MAX_EVIDENCE_CHARS);

  const covered = f.points
    .filter((r) => r.covered && r.hit)
    .map((r) => ({ pointId: r.point.id, label: r.point.label, evidence: evidenceFor(input.answer, r.hit!, clauses) }))
    // the contract: evidence occurs in the answer; anything else is dropped rather than shown
    .filter((c) => c.evidence.length > 0 && input.answer.includes(c.evidence));
  const coveredIds = new Set(covered.map((c) => c.pointId));
  const missed = f.points.filter((r) => !coveredIds.has(r.point.id));
  const missing = missed.map((r) => ({ pointId: r.point.id, label: r.point.label, core: r.point.core }));
  const followUp = missed
    .filter((r) => r.point.core && r.point.followUp)
    .sort((a, b) => b.point.weight - a.point.weight || a.strength - b.strength)[0]?.point.followUp;

  return {
    scorer: 'offline',
    overall,
    band: bandFor(overall),
    criteria: criteriaFor(f, input.answer, authored),
    covered,
    missing,
    feedback: feedbackFor(f, overall, input.tip),
    ...(followUp ? { followUp } : {}),
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

/** Contexts kept per distinct question and rubric; a bank has tens, so this bound is never reached in practice. */
const CONTEXT_CACHE_SIZE = 512;

/** Everything a context depends on, as one string: the same rubric text gives the same context. */
export function contextKey(input: Omit<ScoringInput, 'answer'>): string {
  const points = input.keyPoints.map((p) => `${p.id}|${p.weight}|${p.core}|${p.label}|${p.followUp}|${p.cues.join('|')}`).join('\u0001');
  return `${input.question}\u0000${input.reference}\u0000${input.tip ?? ''}\u0000${points}`;
}

/**
 * The offline scorer behind the common Scorer interface. Building a question's context is most of
 * the cost of a score (analysing the reference, deriving points), and every answer to a question
 * needs the same one, so contexts are kept per rubric.
 */
export function createOfflineScorer(): Scorer {
  const contexts = new Map<string, ScoringContext>();
  return {
    kind: 'offline',
    score: async (input) => {
      const key = contextKey(input);
      let context = contexts.get(key);
      if (!context) {
        context = scoringContext(input);
        if (contexts.size >= CONTEXT_CACHE_SIZE) contexts.delete(contexts.keys().next().value!);
        contexts.set(key, context);
      }
      return scoreOffline(input, context);
    },
  };
}

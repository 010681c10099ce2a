import { z } from 'zod';
import type { KeyPoint } from '../bank/bank-schema.js';
import type { ChatModel } from '../llm/chat-model.js';
import { neutraliseTags } from '../llm/data-delimiters.js';
import type { LlmFailureReason } from '../llm/llm-failure.js';
import { partialStringField } from '../llm/partial-json.js';
import { loadPrompt, type PromptMessage, type PromptTemplate } from '../llm/prompt-template.js';
import { completeStructured } from '../llm/structured-completion.js';
import { ZERO_USAGE, type Usage } from '../llm/usage.js';
import { locateQuote } from '../llm/verbatim-quote.js';
import { bandFor, CRITERIA, type Assessment } from './assessment.js';
import type { ScoreOptions, ScoringInput } from './scorer.js';

/**
 * The LLM grader: renders prompts/grader.md, asks for a structured verdict at temperature 0, checks it
 * with zod (one repair try), verifies every quoted piece of evidence against the answer, and computes
 * the overall score itself. It returns a result instead of an assessment-or-throw, because only the
 * scorer chain knows what to do on failure (fall back to the offline scorer).
 *
 * Bank-less scoring (no key points): the prompt says there are none, the reply's `points` must be
 * empty, `covered`/`missing` stay empty and the overall comes from the criteria alone. Points are not
 * invented from the reference here, since model-made labels could not be checked the way evidence is.
 */

export const VERDICTS = ['covered', 'partial', 'missing', 'contradicted'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Every delimiter grader.md uses; look-alikes of all of them are defanged in every inserted value. */
export const GRADER_DATA_TAGS = ['question', 'reference', 'tip', 'key_points', 'candidate_answer'] as const;

const CriterionGrade = z.object({ score: z.number().min(0).max(4), note: z.string() });

/**
 * The reply schema for one question. Point ids are an enum of that question's ids, and each id must
 * appear exactly once. `feedback` comes last so it streams after the verdicts are settled.
 */
export function graderReplySchema(pointIds: readonly string[]) {
  const pointId = pointIds.length > 0 ? z.enum(pointIds as [string, ...string[]]) : z.string();
  return z.object({
    points: z.array(z.object({ pointId, verdict: z.enum(VERDICTS), evidence: z.string() })).superRefine((points, ctx) => {
      const seen = points.map((p) => p.pointId);
      const absent = pointIds.filter((id) => !seen.includes(id));
      const repeated = [...new Set(seen.filter((id, i) => seen.indexOf(id) !== i))];
      const unknown = seen.filter((id) => !pointIds.includes(id));
      if (absent.length || repeated.length || unknown.length) {
        const parts = [
          absent.length ? `no verdict for ${absent.join(', ')}` : '',
          repeated.length ? `more than one verdict for ${repeated.join(', ')}` : '',
          unknown.length ? `unknown ids ${unknown.join(', ')}` : '',
        ].filter(Boolean);
        ctx.addIssue({ code: 'custom', message: `give exactly one verdict per key point: ${parts.join('; ')}` });
      }
    }),
    criteria: z.object({ accuracy: CriterionGrade, depth: CriterionGrade, practice: CriterionGrade, communication: CriterionGrade }),
    feedback: z.string().min(1),
  });
}

export type GraderReply = z.infer<ReturnType<typeof graderReplySchema>>;

/** Renders the grader prompt; every inserted value has delimiter look-alikes neutralised. */
export function renderGraderPrompt(prompt: PromptTemplate, input: ScoringInput): PromptMessage[] {
  const data = (text: string) => neutraliseTags(text, GRADER_DATA_TAGS);
  const keyPoints =
    input.keyPoints.length > 0
      ? input.keyPoints.map((p) => `- ${p.id} (${p.core ? 'core' : 'supporting'}): ${p.label}`).join('\n')
      : '(none: grade with the criteria only and return an empty points array)';
  return prompt.render({
    question: data(input.question),
    reference: data(input.reference),
    tip: data(input.tip?.trim() ? input.tip : '(none)'),
    keyPoints: data(keyPoints),
    answer: data(input.answer),
  });
}

/** Credit per verdict, after evidence checks. */
const CREDIT: Record<Verdict, number> = { covered: 1, partial: 0.5, missing: 0, contradicted: 0 };
/** Criterion weights in the quality term; they sum to 1. */
const CRITERION_WEIGHT = { accuracy: 0.35, depth: 0.25, practice: 0.25, communication: 0.15 } as const;

export interface GradedPoint {
  weight: number;
  core: boolean;
  /** after the evidence check */
  verdict: Verdict;
}

/**
 * The overall score, 0..100, computed here and never read from the model:
 *
 *   coverage = Σ weight·credit / Σ weight        credit: covered 1, partial 0.5, missing 0, contradicted 0
 *   quality  = (0.35·accuracy + 0.25·depth + 0.25·practice + 0.15·communication) / 4
 *   overall  = round(100 · (0.6·coverage + 0.4·quality))      with key points
 *            = round(100 · quality)                           without (bank-less scoring)
 *
 * Caps, so generous criteria cannot rescue a wrong or empty answer:
 *   - a contradicted core point caps the overall at 59 (at best "fair");
 *   - no point covered or partial caps it at 39 ("weak").
 * A verdict whose evidence is not in the answer has already been turned into "missing".
 */
export function overallScore(points: readonly GradedPoint[], criteria: Readonly<Record<(typeof CRITERIA)[number], number>>): number {
  const quality = CRITERIA.reduce((sum, id) => sum + CRITERION_WEIGHT[id] * criteria[id], 0) / 4;
  if (points.length === 0) return Math.round(100 * quality);
  const totalWeight = points.reduce((s, p) => s + p.weight, 0);
  const coverage = totalWeight > 0 ? points.reduce((s, p) => s + p.weight * CREDIT[p.verdict], 0) / totalWeight : 0;
  let overall = Math.round(100 * (0.6 * coverage + 0.4 * quality));
  if (points.some((p) => p.core && p.verdict === 'contradicted')) overall = Math.min(overall, 59);
  if (!points.some((p) => p.verdict === 'covered' || p.verdict === 'partial')) overall = Math.min(overall, 39);
  return overall;
}

export interface GradeMeta {
  model: string;
  promptVersion: string;
  usage: Usage;
  latencyMs: number;
}

/**
 * Turns a validated reply into an Assessment. Evidence is located in the answer (case, whitespace and
 * typographic quotes may differ) and stored as the answer's exact substring; a claim whose quote is not
 * there is dropped and the point counts as missing. A "partial" point with real evidence is listed under
 * `covered` (the candidate did say it) but earns half credit. `followUp` is the bank's probe for the
 * heaviest missed core point, as in the offline scorer.
 */
export function assessmentFromReply(input: ScoringInput, reply: GraderReply, meta: GradeMeta): Assessment {
  const verdictOf = new Map(reply.points.map((p) => [p.pointId, p]));
  const covered: Assessment['covered'] = [];
  const missing: Assessment['missing'] = [];
  const graded: GradedPoint[] = input.keyPoints.map((point: KeyPoint) => {
    const claim = verdictOf.get(point.id);
    let verdict: Verdict = claim?.verdict ?? 'missing';
    const evidence = verdict === 'missing' || !claim ? undefined : locateQuote(input.answer, claim.evidence);
    if (evidence === undefined) verdict = 'missing';
    if ((verdict === 'covered' || verdict === 'partial') && evidence !== undefined) {
      covered.push({ pointId: point.id, label: point.label, evidence });
    } else {
      missing.push({ pointId: point.id, label: point.label, core: point.core });
    }
    return { weight: point.weight, core: point.core, verdict };
  });

  // Same rule as the offline scorer, so a follow-up does not depend on which scorer answered: the
  // bank's probe for the heaviest missed core point.
  const followUp = input.keyPoints
    .filter((p) => p.core && p.followUp && missing.some((m) => m.pointId === p.id))
    .sort((a, b) => b.weight - a.weight)[0]?.followUp;

  const scores = Object.fromEntries(CRITERIA.map((id) => [id, reply.criteria[id].score])) as Record<(typeof CRITERIA)[number], number>;
  const overall = overallScore(graded, scores);
  return {
    scorer: 'llm',
    model: meta.model,
    promptVersion: meta.promptVersion,
    overall,
    band: bandFor(overall),
    criteria: CRITERIA.map((id) => ({ id, score: reply.criteria[id].score, note: reply.criteria[id].note })),
    covered,
    missing,
    feedback: reply.feedback,
    ...(followUp ? { followUp } : {}),
    usage: meta.usage,
    latencyMs: meta.latencyMs,
  };
}

export type GradeResult =
  | { ok: true; assessment: Assessment }
  | {
      ok: false;
      reason: LlmFailureReason;
      /** for logs only; may hold provider text */
      detail: string;
      usage: Usage;
      latencyMs: number;
    };

/** Grades with the model, or says why it could not. Never rejects. */
export interface LlmGrader {
  readonly kind: 'llm';
  readonly model: string;
  readonly promptVersion: string;
  /**
   * `options.onDelta` receives the feedback narrative as it streams: only new text each time, so the
   * pieces concatenate to the final `feedback`. If a repair try writes a different feedback, the pieces
   * already sent cannot be taken back; the final assessment is what counts.
   */
  grade(input: ScoringInput, options?: ScoreOptions): Promise<GradeResult>;
}

export interface LlmScorerOptions {
  chat: ChatModel;
  /** default: prompts/grader.md */
  prompt?: PromptTemplate;
  /** completion token cap; default: the server's */
  maxTokens?: number;
  /** false for servers without `response_format: json_schema`; default true */
  sendSchema?: boolean;
  /** clock for latency, ms; default performance.now */
  now?: () => number;
}

/**
 * The grader over a chat model. Reads prompts/grader.md once, here, unless a prompt is passed in.
 * Streams (and so calls `onDelta`) only when the caller passes `onDelta`.
 */
export function createLlmScorer(options: LlmScorerOptions): LlmGrader {
  const { chat } = options;
  const prompt = options.prompt ?? loadPrompt('grader');
  const now = options.now ?? (() => performance.now());

  return {
    kind: 'llm',
    model: chat.name,
    promptVersion: prompt.version,
    async grade(input, scoreOptions = {}) {
      const started = now();
      const { onDelta, signal } = scoreOptions;
      try {
        let shown = '';
        const showFeedback = (feedback: string) => {
          // Only ever extend what was shown; a repair attempt restarts from empty and stays quiet until
          // it passes the text already sent.
          if (!onDelta || feedback.length <= shown.length || !feedback.startsWith(shown)) return;
          const piece = feedback.slice(shown.length);
          shown = feedback;
          try {
            onDelta(piece);
          } catch {
            // a broken listener must not fail the grade
          }
        };
        const result = await completeStructured(chat, {
          messages: renderGraderPrompt(prompt, input),
          schema: graderReplySchema(input.keyPoints.map((p) => p.id)),
          schemaName: 'grade',
          temperature: 0,
          ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
          ...(options.sendSchema !== undefined ? { sendSchema: options.sendSchema } : {}),
          ...(onDelta ? { onText: (soFar: string) => showFeedback(partialStringField(soFar, 'feedback')?.value ?? '') } : {}),
          ...(signal ? { signal } : {}),
        });
        const latencyMs = Math.max(0, Math.round(now() - started));
        if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail, usage: result.usage, latencyMs };
        showFeedback(result.value.feedback);
        return {
          ok: true,
          assessment: assessmentFromReply(input, result.value, {
            model: result.model,
            promptVersion: prompt.version,
            usage: result.usage,
            latencyMs,
          }),
        };
      } catch (err) {
        // A bug (a template placeholder without a value, say); the chain still falls back.
        const latencyMs = Math.max(0, Math.round(now() - started));
        const detail = err instanceof Error ? err.message : String(err);
        return { ok: false, reason: 'error', detail, usage: { ...ZERO_USAGE }, latencyMs };
      }
    },
  };
}

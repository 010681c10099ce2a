import { z } from 'zod';
import type { Report } from '../reports/report-model.js';
import type { ReportNarrator } from '../reports/report-service.js';
import type { ChatModel } from './chat-model.js';
import { neutraliseTags } from './data-delimiters.js';
import { loadPrompt, type PromptTemplate } from './prompt-template.js';
import { completeStructured } from './structured-completion.js';

const NarrativeSchema = z.object({
  summary: z.string().min(20).max(1500),
  studyPlan: z.array(z.string().min(5).max(400)).min(1).max(6),
});

export interface LlmNarratorOptions {
  chat: ChatModel;
  /** per call, ms */
  timeoutMs: number;
  prompt?: PromptTemplate;
}

/**
 * The facts the narrative may use, and nothing else: scores, covered and missed point labels,
 * communication figures, weakest concepts. Candidate answers are left out on purpose; the model has
 * no need of them here, and leaving them out leaves nothing to inject through.
 */
export function reportFacts(r: Report): string {
  const lines = [
    `overall: ${r.overall}/100 (${r.band}); answered ${r.answered} of ${r.total}; level ${r.level}; mode ${r.mode}`,
    ...r.questions.map((q) => {
      const bank = q.turns.find((t) => t.kind === 'bank')?.assessment;
      const covered = bank?.covered.map((c) => c.label).join('; ') || 'none';
      const missing = bank?.missing.map((m) => `${m.label}${m.core ? ' (core)' : ''}`).join('; ') || 'none';
      return `question ${q.index} [${q.level}; ${q.topics.join(', ')}]: "${q.question}" score ${q.score ?? 'unanswered'}; covered: ${covered}; missing: ${missing}`;
    }),
    `by topic: ${r.byTopic.map((t) => `${t.key} ${t.average}`).join(', ') || 'none'}`,
    `weakest concepts: ${r.weakestConcepts.map((c) => `${c.label} (train with: ${c.trainWith.map((t) => `"${t.question}"`).join(', ')})`).join('; ') || 'none'}`,
    `communication: ${r.communication.wordsPerAnswer} words per answer; fillers ${r.communication.fillerPer100Words} and hedges ${r.communication.hedgesPer100Words} per 100 words; ${r.communication.quantifiedAnswers} of ${r.communication.answers} answers quantified; ${r.communication.tradeOffAnswers} weighed trade-offs`,
  ];
  return neutraliseTags(lines.join('\n'), ['assessments']);
}

/** The report's summary and study plan written by the model from prompts/report.md; null keeps the rule-written ones. */
export function createLlmReportNarrator(options: LlmNarratorOptions): ReportNarrator {
  const prompt = options.prompt ?? loadPrompt('report');
  return {
    async narrate(report) {
      if (report.answered === 0) return null;
      const result = await completeStructured(options.chat, {
        messages: prompt.render({ facts: reportFacts(report) }),
        schema: NarrativeSchema,
        schemaName: 'report_narrative',
        maxTokens: 800,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!result.ok) return null;
      return {
        summary: result.value.summary.trim(),
        studyPlan: result.value.studyPlan.map((s) => s.trim()),
        narrative: { by: `llm:${result.model}`, promptVersion: prompt.version },
      };
    },
  };
}

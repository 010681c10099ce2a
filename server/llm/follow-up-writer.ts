import { z } from 'zod';
import type { KeyPoint, Question } from '../bank/bank-schema.js';
import type { FollowUpWriter } from '../interview/follow-up.js';
import { revealsAnswer } from '../interview/follow-up.js';
import type { ChatModel } from './chat-model.js';
import { neutraliseTags } from './data-delimiters.js';
import { loadPrompt, type PromptTemplate } from './prompt-template.js';
import { completeStructured } from './structured-completion.js';

const FollowUpReplySchema = z.object({ question: z.string().min(10).max(400) });
const DATA_TAGS = ['question', 'missed_point', 'reference', 'candidate_answer'] as const;

export interface LlmFollowUpOptions {
  chat: ChatModel;
  /** per call, ms */
  timeoutMs: number;
  prompt?: PromptTemplate;
}

/**
 * Follow-ups written by the model from prompts/follow-up.md, aimed at the missed point and built on
 * the candidate's answer. A reply that fails validation, or that gives the point away, yields null so
 * the caller asks the bank's follow-up instead.
 */
export function createLlmFollowUpWriter(options: LlmFollowUpOptions): FollowUpWriter {
  const prompt = options.prompt ?? loadPrompt('follow-up');
  return {
    async write({ question, point, answer }: { question: Question; point: KeyPoint; answer: string }) {
      const data = (t: string) => neutraliseTags(t, DATA_TAGS);
      const result = await completeStructured(options.chat, {
        messages: prompt.render({
          question: data(question.question),
          point: data(point.label),
          reference: data(question.reference),
          answer: data(answer),
        }),
        schema: FollowUpReplySchema,
        schemaName: 'follow_up',
        maxTokens: 200,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!result.ok) return null;
      const text = result.value.question.trim();
      return revealsAnswer(text, question, point) ? null : text;
    },
  };
}

import { z } from 'zod';
import { describeIssues } from '../errors.js';
import type { ChatMessage, ChatModel } from './chat-model.js';
import type { LlmFailureReason } from './llm-failure.js';
import { addUsage, ZERO_USAGE, type Usage } from './usage.js';

/**
 * Prompt -> model -> JSON.parse -> zod -> (one repair try carrying the validation message) -> result.
 * The shape follows TypeChat's translator: the caller gets a success-or-failure value and never has to
 * catch, and a reply that does not validate is shown back to the model once with what was wrong.
 */
export interface StructuredRequest<T> {
  messages: ChatMessage[];
  /** validates the parsed reply; also sent as the JSON schema unless `sendSchema` is false */
  schema: z.ZodType<T>;
  /** name sent with the schema: letters, digits, `_` and `-` */
  schemaName: string;
  /**
   * Send `response_format: json_schema` (strict). Default true. Turn off for servers that reject it;
   * the prompt must then describe the JSON shape itself. Validation happens either way.
   */
  sendSchema?: boolean;
  /** default 0 */
  temperature?: number;
  maxTokens?: number;
  /** stream and report the raw reply text so far (the repair attempt streams too, from empty) */
  onText?: (soFar: string) => void;
  signal?: AbortSignal;
  /** repair tries after an invalid reply; default 1 */
  maxRepairs?: number;
}

export type StructuredResult<T> =
  | {
      ok: true;
      value: T;
      /** the reply text that validated */
      raw: string;
      /** as reported by the endpoint, else the configured name */
      model: string;
      /** summed over every attempt, repair included */
      usage: Usage;
      /** model replies used: 1, or 2 after a repair */
      attempts: number;
    }
  | { ok: false; reason: LlmFailureReason; detail: string; usage: Usage; attempts: number };

/** Converting a schema walks all of it; a few schemas serve every request, so each is converted once. */
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** `z.toJSONSchema` output trimmed for chat-completions `response_format` (no `$schema` key). */
export function jsonSchemaFor(schema: z.ZodType): Record<string, unknown> {
  let converted = jsonSchemas.get(schema);
  if (!converted) {
    const { $schema: _dropped, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
    converted = rest;
    jsonSchemas.set(schema, converted);
  }
  return converted;
}

type Validation<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Reads the first JSON object out of a reply. Models wrap JSON in code fences or a sentence despite
 * being told not to, so everything outside the outermost braces is ignored.
 */
export function validateReply<T>(text: string, schema: z.ZodType<T>): Validation<T> {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0) return { ok: false, problem: 'The reply contains no JSON object.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(end > start ? text.slice(start, end + 1) : text.slice(start));
  } catch (err) {
    return { ok: false, problem: `The reply is not valid JSON: ${err instanceof Error ? err.message : String(err)}.` };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: `The JSON does not match the schema: ${describeIssues(result.error.issues)}.` };
}

/**
 * Runs one structured completion. Resolves with `{ ok: true, value }` or `{ ok: false, reason }`;
 * never rejects. Transport failures (timeout, HTTP, refusal, truncation) are not repaired, only
 * replies that arrived whole but do not validate.
 */
export async function completeStructured<T>(chat: ChatModel, request: StructuredRequest<T>): Promise<StructuredResult<T>> {
  const maxRepairs = request.maxRepairs ?? 1;
  const responseFormat =
    request.sendSchema === false
      ? ({ type: 'json_object' } as const)
      : ({
          type: 'json_schema',
          json_schema: { name: request.schemaName, strict: true, schema: jsonSchemaFor(request.schema) },
        } as const);

  const messages = [...request.messages];
  let usage: Usage = { ...ZERO_USAGE };
  for (let attempt = 1; ; attempt++) {
    const reply = await chat.complete({
      messages,
      responseFormat,
      temperature: request.temperature ?? 0,
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
      ...(request.onText ? { onText: request.onText } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    usage = addUsage(usage, reply.usage);
    if (!reply.ok) return { ok: false, reason: reply.reason, detail: reply.detail, usage, attempts: attempt };

    const checked = validateReply(reply.text, request.schema);
    if (checked.ok) return { ok: true, value: checked.value, raw: reply.text, model: reply.model, usage, attempts: attempt };
    if (attempt > maxRepairs) return { ok: false, reason: 'invalid-output', detail: checked.problem, usage, attempts: attempt };

    messages.push(
      { role: 'assistant', content: reply.text },
      { role: 'user', content: `${checked.problem}\nReply again with only the corrected JSON object, nothing else.` },
    );
  }
}

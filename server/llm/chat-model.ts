import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import type { Config } from '../config.js';
import { createConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency-limiter.js';
import { classifyLlmError, type LlmFailureReason } from './llm-failure.js';
import { createOpenAIClient, type OpenAIClientOptions } from './openai-client.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, sleep, type RetryPolicy } from './retry-policy.js';
import { sseEvents } from './sse-events.js';
import { ZERO_USAGE, addUsage, usageFromOpenAI, type Usage, type UsageMeter } from './usage.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ResponseFormat = NonNullable<ChatCompletionCreateParamsBase['response_format']>;

export interface ChatRequest {
  messages: ChatMessage[];
  /** default 0: grading must be repeatable */
  temperature?: number;
  /** completion token cap; default: the server's */
  maxTokens?: number;
  responseFormat?: ResponseFormat;
  /**
   * When set, the reply is streamed and this is called with the whole text so far after every piece.
   * Exceptions it throws are ignored: a broken listener must not fail the call.
   */
  onText?: (soFar: string) => void;
  /** aborts the call, including queueing and retry waits; a TimeoutError reason reads as 'timeout' */
  signal?: AbortSignal;
}

export type ChatResult =
  | { ok: true; text: string; model: string; usage: Usage; finishReason: string }
  | {
      ok: false;
      reason: LlmFailureReason;
      /** for logs only; may hold provider text, never show it to a client */
      detail: string;
      usage: Usage;
    };

/** One chat completion with retries, streaming and limits applied; resolves with a result, never rejects. */
export interface ChatModel {
  /** the configured model name */
  readonly name: string;
  complete(request: ChatRequest): Promise<ChatResult>;
}

export interface ChatModelOptions {
  client: OpenAI;
  model: string;
  /** shared across every call to this endpoint; default: unlimited */
  limiter?: ConcurrencyLimiter;
  retry?: Partial<RetryPolicy>;
  /** process-wide token totals, e.g. for metrics */
  usage?: UsageMeter;
  /** ask for a final usage chunk when streaming (`stream_options.include_usage`); default true */
  streamUsage?: boolean;
}

type Attempt = ChatResult | { ok: 'retry'; error: unknown; usage: Usage };

/**
 * A chat model over one OpenAI-compatible endpoint. Each HTTP attempt holds a limiter slot; retryable
 * errors (408, 409, 429, 5xx, connection) are retried per the policy with waits that stop when the
 * request's signal aborts. A streamed reply is never retried once text has reached `onText`.
 */
export function createChatModel(options: ChatModelOptions): ChatModel {
  const { client, model, limiter, usage: meter } = options;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const streamUsage = options.streamUsage ?? true;

  const notify = (onText: ChatRequest['onText'], soFar: string) => {
    try {
      onText?.(soFar);
    } catch {
      // see ChatRequest.onText
    }
  };

  const fail = (reason: LlmFailureReason, detail: string, usage: Usage): ChatResult => ({ ok: false, reason, detail, usage });

  /** Interprets the finish of a reply; shared by the streaming and plain paths. */
  const finish = (text: string, refusal: string, finishReason: string | null | undefined, replyModel: string, usage: Usage): ChatResult => {
    if (refusal || finishReason === 'content_filter') return fail('refusal', refusal || 'content_filter', usage);
    if (!finishReason) return fail('truncated', 'the reply ended without a finish_reason', usage);
    if (finishReason === 'length') return fail('truncated', 'finish_reason: length', usage);
    return { ok: true, text, model: replyModel || model, usage, finishReason };
  };

  async function attempt(request: ChatRequest): Promise<Attempt> {
    const { signal, onText } = request;
    const body = {
      model,
      messages: request.messages,
      temperature: request.temperature ?? 0,
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.responseFormat ? { response_format: request.responseFormat } : {}),
    };
    let usage: Usage = { ...ZERO_USAGE };
    try {
      if (!onText) {
        const reply = await client.chat.completions.create({ ...body, stream: false }, { signal, maxRetries: 0 });
        usage = usageFromOpenAI(reply.usage);
        meter?.record(usage);
        const choice = Array.isArray(reply.choices) ? reply.choices[0] : undefined;
        if (!choice?.message) return fail('malformed-response', 'no choices[0].message in the reply', usage);
        return finish(choice.message.content ?? '', choice.message.refusal ?? '', choice.finish_reason, reply.model, usage);
      }

      // Errors from create() happen before any text is seen, so they may be retried; once text has
      // streamed to the listener, a retry would repeat it, so failures after this point are final.
      const response = await client.chat.completions
        .create({ ...body, stream: true, ...(streamUsage ? { stream_options: { include_usage: true } } : {}) }, { signal, maxRetries: 0 })
        .asResponse();
      let text = '';
      let refusal = '';
      let finishReason: string | null | undefined;
      let replyModel = '';
      let sawUsage = false;
      try {
        if (!response.body) throw new TypeError('the streamed reply has no body');
        // the listener hears once per read, not once per chunk: see sse-events.ts
        for await (const events of sseEvents(response.body)) {
          const before = text;
          let done = false;
          for (const sse of events) {
            if (sse.data.startsWith('[DONE]')) {
              done = true;
              break;
            }
            const chunk = JSON.parse(sse.data) as ChatCompletionChunk & { error?: object };
            // an error inside the stream: an APIError without a status, as the SDK's Stream throws for
            // `data: {"error": ...}`; an `event: error` counts too, whatever its data
            if (sse.event === 'error' || chunk?.error) throw new APIError(undefined, chunk?.error ?? chunk, undefined, response.headers);
            if (chunk.usage) {
              usage = usageFromOpenAI(chunk.usage);
              sawUsage = true;
            }
            replyModel ||= typeof chunk.model === 'string' ? chunk.model : '';
            const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
            if (!choice) continue;
            if (choice.delta?.refusal) refusal += choice.delta.refusal;
            if (choice.delta?.content) text += choice.delta.content;
            if (choice.finish_reason) finishReason = choice.finish_reason;
          }
          // before stopping at [DONE]: the text that came with it is heard too
          if (text !== before) notify(onText, text);
          if (done) break;
        }
      } catch (streamError) {
        return fail(classifyLlmError(streamError, signal), errorDetail(streamError), usage);
      } finally {
        if (sawUsage) meter?.record(usage);
      }
      // a reply cut off by the signal may have ended quietly: it must not look complete
      if (signal?.aborted) return fail(classifyLlmError(undefined, signal), 'aborted while streaming', usage);
      return finish(text, refusal, finishReason, replyModel, usage);
    } catch (error) {
      return { ok: 'retry', error, usage };
    }
  }

  return {
    name: model,
    async complete(request) {
      let usage: Usage = { ...ZERO_USAGE };
      for (let retry = 0; ; retry++) {
        let outcome: Attempt;
        try {
          outcome = limiter ? await limiter.run(() => attempt(request), request.signal) : await attempt(request);
        } catch (queueAbort) {
          return fail(classifyLlmError(queueAbort, request.signal), 'aborted while waiting for a slot', usage);
        }
        usage = addUsage(usage, outcome.usage);
        if (outcome.ok !== 'retry') return { ...outcome, usage };

        const { error } = outcome;
        const wait = request.signal?.aborted ? undefined : retryDelayMs(error, retry, policy);
        if (wait === undefined) return fail(classifyLlmError(error, request.signal), errorDetail(error), usage);
        try {
          await sleep(wait, request.signal);
        } catch {
          return fail(classifyLlmError(error, request.signal), errorDetail(error), usage);
        }
      }
    },
  };
}

function errorDetail(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export interface ChatModelFromConfigOptions extends OpenAIClientOptions {
  retry?: Partial<RetryPolicy>;
  usage?: UsageMeter;
}

/** The service's chat model: OPENAI_* settings, LLM_MAX_CONCURRENCY slots, capped retries. */
export function chatModelFromConfig(config: Config, options: ChatModelFromConfigOptions = {}): ChatModel {
  return createChatModel({
    client: createOpenAIClient(config, options),
    model: config.OPENAI_MODEL,
    limiter: createConcurrencyLimiter(config.LLM_MAX_CONCURRENCY),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.usage ? { usage: options.usage } : {}),
  });
}

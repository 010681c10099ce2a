import OpenAI from 'openai';
import type { Config } from '../config.js';

/** Any OpenAI-compatible endpoint accepts a dummy key; the SDK constructor throws without one. */
export const PLACEHOLDER_API_KEY = 'sk-local';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIClientOptions {
  /** custom fetch (a proxy agent, a test recorder); default: the global fetch */
  fetch?: typeof fetch;
}

/**
 * Builds the SDK client from Config alone. Every value is passed explicitly so the SDK never reads
 * process.env itself (OPENAI_BASE_URL, OPENAI_ORG_ID, ...), keeping config.ts the only reader.
 *
 * - `maxRetries: 0`: retries are done by the chat model with a capped Retry-After (see retry-policy.ts).
 * - `timeout`: LLM_TIMEOUT_MS per attempt, a backstop; callers also pass a deadline signal.
 * - `logLevel: 'off'`: provider messages are not logged from inside the SDK; failures surface as a
 *   short reason to the caller instead.
 * - With a base URL but no key (Ollama, vLLM, llama.cpp), the key is `sk-local`. With neither, the
 *   placeholder goes to api.openai.com, which answers 401, and the chain falls back.
 */
export function createOpenAIClient(config: Config, options: OpenAIClientOptions = {}): OpenAI {
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? PLACEHOLDER_API_KEY,
    baseURL: config.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: config.LLM_TIMEOUT_MS,
    logLevel: 'off',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

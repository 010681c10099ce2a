/** Token counts for one call or a sum of calls, as reported by the endpoint. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({ promptTokens: 0, completionTokens: 0 });

/** Sums two usages; a repair retry costs tokens too, so a result carries the total of its attempts. */
export function addUsage(a: Usage, b: Usage): Usage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}

/**
 * Reads the chat-completions `usage` object. Local servers sometimes omit it or send junk,
 * so anything that is not a non-negative integer counts as 0.
 */
export function usageFromOpenAI(raw: { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined): Usage {
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return { promptTokens: count(raw?.prompt_tokens), completionTokens: count(raw?.completion_tokens) };
}

/** Process-wide running totals, so metrics can read spend without touching the callers. */
export interface UsageMeter {
  record(usage: Usage): void;
  totals(): Readonly<Usage & { calls: number }>;
}

export function createUsageMeter(): UsageMeter {
  let calls = 0;
  let total: Usage = { ...ZERO_USAGE };
  return {
    record(usage) {
      calls += 1;
      total = addUsage(total, usage);
    },
    totals: () => ({ ...total, calls }),
  };
}

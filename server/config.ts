import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/**
 * Every setting the service reads, with its default. This is the only module that touches process.env;
 * everything else gets a Config passed in. `.env.example` lists the same keys.
 */
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

export const ConfigSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('data/interviews.sqlite'),
  BANKS_DIR: z.string().min(1).default('data/banks'),
  /** auto: the LLM when a key or base URL is set, else offline */
  SCORER: z.enum(['auto', 'offline', 'llm']).default('auto'),
  /** on: the built-in scorer runs on a thread of its own, off the event loop; off: in the event loop */
  SCORING_THREAD: z.enum(['on', 'off']).default('on'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: int(20_000, 100, 600_000),
  LLM_MAX_CONCURRENCY: int(4, 1, 256),
  /** an answer scoring below this (0..100) that misses a core point gets a follow-up */
  FOLLOW_UP_THRESHOLD: int(60, 0, 100),
  /** soft time budget per answer, by level, shown as a timer; never enforced */
  SOFT_LIMIT_SECONDS_BEGINNER: int(180, 10, 7200),
  SOFT_LIMIT_SECONDS_INTERMEDIATE: int(300, 10, 7200),
  SOFT_LIMIT_SECONDS_ADVANCED: int(480, 10, 7200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: optionalString,
  MAX_ANSWER_CHARS: int(8000, 0, 8000),
  ANSWERS_PER_MINUTE: int(30),
  MAX_CONNECTIONS_PER_IP: int(20),
  MAX_SESSIONS_PER_IP: int(10),
  HTTP_RATE_LIMIT_PER_MINUTE: int(300),
  /** on: the per-address limits also apply to clients on this machine (127.0.0.1, ::1); off: they are exempt */
  LIMIT_LOOPBACK: z.enum(['on', 'off']).default('off'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** The process environment over the optional `.env` file in the working folder; the process wins. */
export function readEnvironment(file = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Reads and validates settings; a bad value fails with the key name and what is allowed. */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Test and tool helper: defaults plus overrides, without reading process.env. */
export function configFor(overrides: Partial<Record<keyof Config, string | number>> = {}): Config {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(overrides)) env[k] = String(v);
  return loadConfig(env);
}

/** Which scorer answers: SCORER=auto picks the LLM when an endpoint or key is configured. */
export function useLlm(config: Config): boolean {
  if (config.SCORER === 'offline') return false;
  if (config.SCORER === 'llm') return true;
  return Boolean(config.OPENAI_API_KEY || config.OPENAI_BASE_URL);
}

/** The soft answer-time budget for a question level, in seconds. */
export function softLimitSeconds(config: Config, level: string): number {
  if (level === 'beginner') return config.SOFT_LIMIT_SECONDS_BEGINNER;
  if (level === 'intermediate') return config.SOFT_LIMIT_SECONDS_INTERMEDIATE;
  return config.SOFT_LIMIT_SECONDS_ADVANCED;
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, useLlm } from '../../server/config.js';

describe('config', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATABASE_PATH: 'data/interviews.sqlite', SCORER: 'auto', FOLLOW_UP_THRESHOLD: 60 });
    expect(useLlm(c)).toBe(false);
  });

  it('a bad value fails with the key name and what is allowed', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCORER: 'magic' })).toThrow(/SCORER: .*"auto"/);
    expect(() => loadConfig({ FOLLOW_UP_THRESHOLD: '101' })).toThrow(/FOLLOW_UP_THRESHOLD/);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
  });

  it('auto picks the LLM when a base URL or key is set', () => {
    expect(useLlm(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }))).toBe(true);
    expect(useLlm(loadConfig({ OPENAI_API_KEY: 'sk-x', SCORER: 'offline' }))).toBe(false);
    expect(useLlm(loadConfig({ OPENAI_API_KEY: '' }))).toBe(false);
  });

  it('parses the CORS allowlist', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });
});

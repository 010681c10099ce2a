import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Prompts live in `prompts/<name>.md`. Format:
 *
 *   version: grader-v1            <- first non-blank line; stored with every result
 *   <!-- role: system -->         <- optional role markers split the file into chat messages
 *   ...text with {{placeholders}}...
 *   <!-- role: user -->
 *   ...
 *
 * A file without role markers is one user message.
 */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

export type PromptRole = 'system' | 'user';

export interface PromptMessage {
  role: PromptRole;
  content: string;
}

export interface PromptTemplate {
  /** file name without `.md` */
  readonly name: string;
  /** from the version line, e.g. `grader-v1` */
  readonly version: string;
  /** every placeholder name the template uses */
  readonly placeholders: readonly string[];
  /** Fills every placeholder; throws when one has no value, since that is a bug in the caller, not bad input. */
  render(vars: Readonly<Record<string, string>>): PromptMessage[];
}

const VERSION_LINE = /^version:\s*(\S+)\s*$/;
const ROLE_MARKER = /^<!--\s*role:\s*(system|user)\s*-->\s*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

/**
 * Replaces `{{name}}` in one pass, so a value that itself contains `{{...}}` (a candidate's answer, say)
 * is inserted literally and never expanded.
 */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>, promptName = 'prompt'): string {
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = Object.hasOwn(vars, key) ? vars[key] : undefined;
    if (value === undefined) throw new Error(`${promptName}: no value for {{${key}}}`);
    return value;
  });
}

/** Parses prompt text; throws when the version line is missing or a role marker is unknown. */
export function parsePrompt(name: string, text: string): PromptTemplate {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const versionMatch = first >= 0 ? VERSION_LINE.exec(lines[first]!.trim()) : null;
  if (!versionMatch) throw new Error(`${name}: the first line must be "version: <id>"`);
  const version = versionMatch[1]!;

  const sections: Array<{ role: PromptRole; lines: string[] }> = [];
  let current: { role: PromptRole; lines: string[] } | undefined;
  for (const line of lines.slice(first + 1)) {
    const marker = ROLE_MARKER.exec(line.trim());
    if (marker) {
      current = { role: marker[1] as PromptRole, lines: [] };
      sections.push(current);
      continue;
    }
    if (!current) {
      if (line.trim() === '') continue;
      current = { role: 'user', lines: [] };
      sections.push(current);
    }
    current.lines.push(line);
  }
  const templates = sections
    .map((s) => ({ role: s.role, template: s.lines.join('\n').trim() }))
    .filter((s) => s.template !== '');
  if (templates.length === 0) throw new Error(`${name}: the prompt is empty`);

  const placeholders = [...new Set(templates.flatMap((s) => [...s.template.matchAll(PLACEHOLDER)].map((m) => m[1]!)))];

  return {
    name,
    version,
    placeholders,
    render: (vars) => templates.map((s) => ({ role: s.role, content: renderTemplate(s.template, vars, name) })),
  };
}

/**
 * Reads `<dir>/<name>.md` synchronously; call once at start-up, not per request.
 * @param dir defaults to the repository's `prompts/` folder
 */
export function loadPrompt(name: string, dir: string = DEFAULT_PROMPTS_DIR): PromptTemplate {
  return parsePrompt(name, readFileSync(join(dir, `${name}.md`), 'utf8'));
}

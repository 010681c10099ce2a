/**
 * Reads one string field out of JSON that is still arriving, so a streamed structured reply can show
 * its narrative field while the model writes it. Escapes are decoded; an escape cut off at the end
 * (`\`, `\u00`, half a surrogate pair) is left for the next call instead of being shown half-done.
 */
export interface PartialString {
  value: string;
  /** the closing quote has arrived */
  complete: boolean;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The value of the first `"key": "..."` in `json`, or undefined before it starts. Only an unescaped
 * `"key"` followed by a colon counts, so the key's name inside another string value never matches.
 */
export function partialStringField(json: string, key: string): PartialString | undefined {
  const keyPattern = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*"`);
  const match = keyPattern.exec(json);
  if (!match) return undefined;
  let value = '';
  let i = match.index + match[0].length;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') return { value, complete: true };
    if (c !== '\\') {
      value += c;
      i += 1;
      continue;
    }
    const e = json[i + 1];
    if (e === undefined) break;
    if (e !== 'u') {
      value += ESCAPES[e] ?? e;
      i += 2;
      continue;
    }
    const hex = json.slice(i + 2, i + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
    const code = parseInt(hex, 16);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = json.slice(i + 6, i + 12);
      if (next.length < 6 && '\\u'.startsWith(next.slice(0, 2))) break; // the low half may still come
      if (/^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(next)) {
        value += String.fromCharCode(code, parseInt(next.slice(2), 16));
        i += 12;
        continue;
      }
    }
    value += String.fromCharCode(code);
    i += 6;
  }
  return { value, complete: false };
}

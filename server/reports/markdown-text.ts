/**
 * Candidate text in Markdown: in fenced blocks, or entity-escaped inline, so a Markdown viewer shows
 * it as text and never as markup, links or HTML.
 */
export function fenced(text: string, info = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '|': '&#124;',
  '~': '&#126;',
};

/**
 * One line of text made inert for inline Markdown: newlines become spaces, and the characters that
 * open markup become entities: HTML (`<`, `&`), emphasis, code, links and images (`[` `]`), table
 * cells (`|`), escapes. Parentheses and `#` stay, since without `[` and a line start they do nothing.
 */
export function inline(text: string): string {
  return (
    text
      .replace(/\s+/g, ' ')
      .replace(/[&<>\\`*_[\]|~]/g, (c) => ENTITY[c]!)
      // GFM turns bare URLs into links: break the scheme and www. patterns
      .replace(/:\/\//g, '&#58;//')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}&#46;`)
      // at the start of a line, these open a heading, a list, a quote or a rule
      .replace(/^(\s*)([#+\-=>]|\d+[.)])/, (_m, sp: string, mark: string) => `${sp}${mark.replace(/[#+\-=>.)]/, (c) => `&#${c.charCodeAt(0)};`)}`)
  );
}

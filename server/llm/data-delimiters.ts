/**
 * Untrusted text (a candidate's answer, a caller-supplied reference) goes into prompts between XML-style
 * delimiters that the prompt declares to be data. A candidate must not be able to close that block and
 * write instructions after it, so every look-alike of a reserved tag inside the text is defanged first:
 * `</candidate_answer>`, `< / Candidate-Answer >`, `&lt;/candidate_answer&gt;` and an unterminated
 * `</candidate_answer` all become `‹/candidate_answer›`, which reads the same to a human but is not the tag.
 */

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `candidate_answer` also matches `candidate-answer`, `candidate answer`, `CandidateAnswer`. */
function lookAlike(tag: string): RegExp {
  const name = tag
    .split(/[_\-\s]+/)
    .map(escapeRegExp)
    .join('[\\s_-]*');
  // Attributes up to the closing bracket are swallowed only when the bracket is near, so an unclosed
  // look-alike never eats the text after it.
  return new RegExp(`(?:<|&lt;|&#0*60;|&#x0*3c;)\\s*(/|&#0*47;|&#x0*2f;)?\\s*${name}\\b(?:[^<>\\n]{0,60}?(?:>|&gt;|&#0*62;|&#x0*3e;))?`, 'gi');
}

/** Replaces every look-alike of the given tags with a harmless `‹tag›` / `‹/tag›`. */
export function neutraliseTags(text: string, tags: readonly string[]): string {
  let out = text;
  for (const tag of tags) out = out.replace(lookAlike(tag), (_m, slash: string | undefined) => `‹${slash ? '/' : ''}${tag}›`);
  return out;
}

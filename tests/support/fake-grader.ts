import type { ChatRequestBody } from './fake-openai.js';

/**
 * What a well-behaved grading model replies to prompts/grader.md: the first key point covered with a
 * quote from the answer, the rest missing, middling criteria, and `feedback`.
 */
export function gradeReply(body: ChatRequestBody, feedback = 'A fair answer; add a concrete example.'): string {
  const user = String(body.messages?.at(-1)?.content ?? '');
  const ids = [...user.matchAll(/^- ([a-z0-9-]+) \((?:core|supporting)\)/gm)].map((m) => m[1]!);
  const answer = /<candidate_answer>\n([\s\S]*?)\n<\/candidate_answer>/.exec(user)?.[1] ?? '';
  return JSON.stringify({
    points: ids.map((pointId, i) => ({ pointId, verdict: i === 0 ? 'covered' : 'missing', evidence: i === 0 ? answer.slice(0, 40) : '' })),
    criteria: {
      accuracy: { score: 2, note: 'Mostly right.' },
      depth: { score: 1, note: 'Thin.' },
      practice: { score: 1, note: 'No examples.' },
      communication: { score: 3, note: 'Clear.' },
    },
    feedback,
  });
}

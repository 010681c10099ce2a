import type { ChatRequestBody } from '../../support/fake-openai.js';

/**
 * What the fake model says, told apart by prompt: a grade (fields in the order the grader asks for,
 * so the feedback streams last, as from a real model), a follow-up, or a report narrative.
 */
export const FEEDBACK =
  'You explained the main trade-off clearly and named real systems. You did not say how the design behaves during a network partition; study the CAP theorem and how your store chooses.';

/** Marks an answer so the grade request that carries it can be matched to the client's timings. */
export const answerMarker = (n: number) => `[bench answer ${n}]`;
const MARKER = /\[bench answer (\d+)\]/;

export function markerIn(body: ChatRequestBody): number | undefined {
  const user = String(body.messages?.at(-1)?.content ?? '');
  const m = MARKER.exec(user);
  return m ? Number(m[1]) : undefined;
}

export function modelReply(body: ChatRequestBody): string {
  const system = String(body.messages?.[0]?.content ?? '');
  const user = String(body.messages?.at(-1)?.content ?? '');
  if (system.includes('follow-up question')) return JSON.stringify({ question: 'Suppose half of your cluster cannot reach the other half for ten minutes: what do your users see?' });
  if (system.includes('summary and study plan')) {
    return JSON.stringify({ summary: 'Solid on trade-offs and real systems; thin on failure modes and numbers.', studyPlan: ['Practise describing partitions and what each store gives up.'] });
  }
  const ids = [...user.matchAll(/^- ([a-z0-9-]+) \((?:core|supporting)\)/gm)].map((m) => m[1]!);
  const answer = /<candidate_answer>\n([\s\S]*?)\n<\/candidate_answer>/.exec(user)?.[1] ?? '';
  return JSON.stringify({
    points: ids.map((pointId, i) => ({ pointId, verdict: i % 2 === 0 ? 'covered' : 'missing', evidence: i % 2 === 0 ? answer.slice(0, 40) : '' })),
    criteria: {
      accuracy: { score: 3, note: 'Correct on the main points.' },
      depth: { score: 2, note: 'Names trade-offs but does not weigh them.' },
      practice: { score: 2, note: 'One real system, no numbers.' },
      communication: { score: 3, note: 'Clear and structured.' },
    },
    feedback: FEEDBACK,
  });
}

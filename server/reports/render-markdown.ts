import type { Report, TurnReport } from './report-model.js';
import { fenced, inline } from './markdown-text.js';

const pct = (n: number | null) => (n === null ? '—' : `${n}/100`);
const dur = (s: number | null) => (s === null ? '—' : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`);

function turnSection(t: TurnReport, heading: string): string[] {
  // the bank question is the section's heading already; a follow-up's wording is shown here
  const out = [`#### ${heading}`, '', ...(t.kind === 'follow-up' ? [`> ${inline(t.question)}`, ''] : [])];
  if (t.answer === null) return [...out, '_Not answered._', ''];
  out.push(fenced(t.answer), '');
  const a = t.assessment;
  if (!a) return [...out, '_Not scored yet._', ''];
  out.push(`Score: **${a.overall}/100** (${a.band}) · time ${dur(t.timeTakenSeconds)} · scored by ${a.scorer === 'llm' ? `model ${inline(a.model ?? '')}` : 'the built-in scorer'}${a.fallbackReason ? ' (fallback)' : ''}`, '');
  if (a.criteria.length) {
    out.push('| criterion | score | note |', '|---|---|---|');
    for (const c of a.criteria) out.push(`| ${c.id} | ${c.score}/4 | ${inline(c.note)} |`);
    out.push('');
  }
  if (a.covered.length) {
    out.push('Covered, in your words:', '');
    for (const c of a.covered) out.push(`- **${inline(c.label)}**: “${inline(c.evidence)}”`);
    out.push('');
  }
  if (a.missing.length) {
    out.push('Missing:', '');
    for (const m of a.missing) out.push(`- ${inline(m.label)}${m.core ? ' (core)' : ''}`);
    out.push('');
  }
  if (a.feedback) out.push(`Feedback: ${inline(a.feedback)}`, '');
  return out;
}

/** The report as Markdown. Candidate text is fenced or entity-escaped, so it always shows as text. */
export function renderMarkdown(r: Report): string {
  const lines: string[] = [];
  const title = r.candidate ? `Interview report: ${inline(r.candidate)}` : 'Interview report';
  lines.push(`# ${title}`, '');
  lines.push(
    `**Overall ${r.overall}/100 (${r.band})** · ${r.answered} of ${r.total} questions answered · ${inline(r.bank.title)} · ${r.level} · ${r.mode} mode`,
    '',
    `Started ${r.startedAt}${r.completedAt ? `, completed ${r.completedAt}` : ' (in progress)'}.`,
    '',
  );
  lines.push('## Summary', '', inline(r.summary), '');
  if (r.studyPlan.length) {
    lines.push('## Study plan', '');
    r.studyPlan.forEach((s, i) => lines.push(`${i + 1}. ${inline(s)}`));
    lines.push('');
  }
  lines.push('## Scores', '', '| # | question | level | score | time |', '|---|---|---|---|---|');
  for (const q of r.questions) lines.push(`| ${q.index} | ${inline(q.question)} | ${q.level} | ${pct(q.score)} | ${dur(q.timeTakenSeconds)} |`);
  lines.push('');
  if (r.byTopic.length) {
    lines.push('By topic: ' + r.byTopic.map((t) => `${t.key} ${t.average}`).join(' · '), '');
    lines.push('By level: ' + r.byLevel.map((t) => `${t.key} ${t.average}`).join(' · '), '');
  }
  if (r.weakestConcepts.length) {
    lines.push('## Weakest concepts', '');
    for (const c of r.weakestConcepts) {
      lines.push(`- **${inline(c.label)}**${c.core ? ' (core)' : ''}. Train with: ${c.trainWith.map((t) => `“${inline(t.question)}”`).join('; ')}`);
    }
    lines.push('');
  }
  const cm = r.communication;
  lines.push(
    '## Communication',
    '',
    `${cm.words} words over ${cm.answers} answers (${cm.wordsPerAnswer} per answer) · fillers ${cm.fillerPer100Words} and hedges ${cm.hedgesPer100Words} per 100 words · ${cm.quantifiedAnswers} answers quantified · ${cm.tradeOffAnswers} weighed trade-offs`,
    '',
  );
  for (const n of cm.notes) lines.push(`- ${inline(n)}`);
  if (cm.notes.length) lines.push('');

  lines.push('## Questions', '');
  for (const q of r.questions) {
    lines.push(`### ${q.index}. ${inline(q.question)}`, '', `Final score: **${pct(q.score)}**${q.band ? ` (${q.band})` : ''} · ${q.level} · ${q.topics.join(', ')}`, '');
    if (q.previousAttempts.length) {
      lines.push(`Earlier attempts: ${q.previousAttempts.map((p) => `${p.date.slice(0, 10)}: ${p.score}`).join(', ')} → now ${pct(q.score)}`, '');
    }
    q.turns.forEach((t, i) => lines.push(...turnSection(t, t.kind === 'bank' ? 'Your answer' : `Follow-up ${i}`)));
    lines.push('Reference answer:', '', fenced(q.reference), '', `Interviewer tip: ${inline(q.tip)}`, '');
  }
  lines.push(`<!-- report v${r.version}; narrative: ${inline(r.narrative.by)} -->`, '');
  return lines.join('\n');
}

import type { Report, TurnReport } from './report-model.js';
import { escapeHtml as e } from './html-text.js';
import { barChart, colourFor } from './svg-charts.js';

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);max-width:880px;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}h3{font-size:1.05rem;margin-top:1.6rem}h4{font-size:.95rem;margin:1rem 0 .3rem}
.muted{color:var(--muted)}.score{font-size:2.4rem;font-weight:700}.band{display:inline-block;padding:.1rem .6rem;border-radius:1rem;color:#fff;font-weight:600;margin-left:.5rem;vertical-align:middle}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.7rem;white-space:pre-wrap;word-wrap:break-word;font:13px/1.45 ui-monospace,monospace}
blockquote{margin:.3rem 0;padding:.1rem .8rem;border-left:3px solid var(--line);color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top}
.covered li{margin:.2rem 0}.evidence{font-style:italic}.core{font-size:.75rem;background:#ffebe9;color:#a40e26;border-radius:.6rem;padding:0 .4rem;margin-left:.3rem}
.chart text{font:12px system-ui,sans-serif;fill:var(--fg)}.chart .v{font-weight:600}.chart .grid{stroke:var(--line)}.chart .axis{fill:var(--muted);font-size:10px}
.question{border:1px solid var(--line);border-radius:8px;padding:.2rem 1rem 1rem;margin:1rem 0;break-inside:avoid-page}
.reveal{background:var(--soft);border-radius:6px;padding:.5rem .8rem;margin-top:.8rem}
@media print{body{margin:0;max-width:none;font-size:12px}.question{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
`;

const band = (b: string | null, v: number | null) =>
  b && v !== null ? `<span class="band" style="background:${colourFor(v)}">${e(b)}</span>` : '';
const dur = (s: number | null) => (s === null ? '—' : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`);

function turnHtml(t: TurnReport, heading: string): string {
  // the bank question is the section's heading already; a follow-up's wording is shown here
  const parts = [`<h4>${e(heading)}</h4>${t.kind === 'follow-up' ? `<blockquote>${e(t.question)}</blockquote>` : ''}`];
  if (t.answer === null) return parts.join('') + '<p class="muted">Not answered.</p>';
  parts.push(`<p class="muted">${t.kind === 'follow-up' ? 'Your answer' : 'Answered'} in ${dur(t.timeTakenSeconds)}:</p><pre>${e(t.answer)}</pre>`);
  const a = t.assessment;
  if (!a) return parts.join('') + '<p class="muted">Not scored yet.</p>';
  parts.push(
    `<p><strong>${a.overall}/100</strong> ${band(a.band, a.overall)} <span class="muted">scored by ${a.scorer === 'llm' ? `model ${e(a.model ?? '')}` : 'the built-in scorer'}${a.fallbackReason ? ' (fallback)' : ''}</span></p>`,
  );
  if (a.criteria.length) {
    parts.push(`<table><tr><th>criterion</th><th>score</th><th>note</th></tr>${a.criteria.map((c) => `<tr><td>${e(c.id)}</td><td>${c.score}/4</td><td>${e(c.note)}</td></tr>`).join('')}</table>`);
  }
  if (a.covered.length) {
    parts.push(`<p>Covered, in your words:</p><ul class="covered">${a.covered.map((c) => `<li><strong>${e(c.label)}</strong>: <span class="evidence">“${e(c.evidence)}”</span></li>`).join('')}</ul>`);
  }
  if (a.missing.length) {
    parts.push(`<p>Missing:</p><ul>${a.missing.map((m) => `<li>${e(m.label)}${m.core ? '<span class="core">core</span>' : ''}</li>`).join('')}</ul>`);
  }
  if (a.feedback) parts.push(`<p>${e(a.feedback)}</p>`);
  return parts.join('');
}

/**
 * The report as one self-contained HTML page: inline CSS with print rules (save as PDF from the
 * browser) and inline SVG charts. No script at all, and every piece of text is escaped.
 */
export function renderHtml(r: Report): string {
  const title = r.candidate ? `Interview report: ${r.candidate}` : 'Interview report';
  const cm = r.communication;
  const body = [
    `<header><p class="muted">${e(r.bank.title)} · ${e(r.level)} · ${e(r.mode)} mode · ${e(r.startedAt.slice(0, 16).replace('T', ' '))} UTC</p>`,
    `<h1>${e(title)}</h1>`,
    `<p><span class="score">${r.overall}</span>/100 ${band(r.band, r.overall)} <span class="muted">${r.answered} of ${r.total} questions answered${r.status === 'active' ? ' · in progress' : ''}</span></p></header>`,
    `<h2>Summary</h2><p>${e(r.summary)}</p>`,
    r.studyPlan.length ? `<h2>Study plan</h2><ol>${r.studyPlan.map((s) => `<li>${e(s)}</li>`).join('')}</ol>` : '',
    `<h2>Scores</h2>`,
    barChart('Score per question', r.questions.map((q) => ({ label: `${q.index}. ${q.question}`, value: q.score }))),
    r.byTopic.length ? barChart('Score per topic', r.byTopic.map((t) => ({ label: t.key, value: t.average }))) : '',
    r.byLevel.length ? `<p class="muted">By level: ${r.byLevel.map((l) => `${e(l.key)} ${l.average}`).join(' · ')}</p>` : '',
    r.weakestConcepts.length
      ? `<h2>Weakest concepts</h2><ul>${r.weakestConcepts
          .map((c) => `<li><strong>${e(c.label)}</strong>${c.core ? '<span class="core">core</span>' : ''}<br><span class="muted">Train with: ${c.trainWith.map((t) => `“${e(t.question)}”`).join('; ')}</span></li>`)
          .join('')}</ul>`
      : '',
    `<h2>Communication</h2><table>
      <tr><td>Words</td><td>${cm.words} over ${cm.answers} answers (${cm.wordsPerAnswer} per answer)</td></tr>
      <tr><td>Fillers / hedges</td><td>${cm.fillerPer100Words} / ${cm.hedgesPer100Words} per 100 words</td></tr>
      <tr><td>Quantified impact</td><td>${cm.quantifiedAnswers} of ${cm.answers} answers${cm.examples.quantified[0] ? ` — e.g. “${e(cm.examples.quantified[0])}”` : ''}</td></tr>
      <tr><td>Trade-offs weighed</td><td>${cm.tradeOffAnswers} of ${cm.answers} answers${cm.examples.tradeOffs[0] ? ` — e.g. “${e(cm.examples.tradeOffs[0])}”` : ''}</td></tr>
    </table>${cm.notes.length ? `<ul>${cm.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}`,
    `<h2>Questions</h2>`,
    ...r.questions.map(
      (q) => `<section class="question"><h3>${q.index}. ${e(q.question)}</h3>
        <p>Final score <strong>${q.score ?? '—'}${q.score === null ? '' : '/100'}</strong> ${band(q.band, q.score)} <span class="muted">${e(q.level)} · ${e(q.topics.join(', '))} · ${dur(q.timeTakenSeconds)}</span></p>
        ${q.previousAttempts.length ? `<p class="muted">Earlier attempts: ${q.previousAttempts.map((p) => `${e(p.date.slice(0, 10))}: ${p.score}`).join(', ')} → now ${q.score ?? '—'}</p>` : ''}
        ${q.turns.map((t, i) => turnHtml(t, t.kind === 'bank' ? 'Your answer' : `Follow-up ${i}`)).join('')}
        <div class="reveal"><p><strong>Reference answer</strong></p><pre>${e(q.reference)}</pre><p><strong>Interviewer tip:</strong> ${e(q.tip)}</p></div>
      </section>`,
    ),
    `<p class="muted">Report v${r.version} · narrative by ${e(r.narrative.by)} · scorers: ${e(r.scorers.join(', ') || 'none')}</p>`,
  ].join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

import { describe, expect, it } from 'vitest';
import { fenced, inline } from '../../server/reports/markdown-text.js';
import { escapeHtml } from '../../server/reports/html-text.js';
import { communicationSignals } from '../../server/reports/communication-signals.js';

describe('candidate text in reports', () => {
  it('a fence is always longer than any backtick run inside the text', () => {
    const text = 'before\n```\n<script>x</script>\n````\nafter';
    const block = fenced(text);
    const fence = block.split('\n')[0]!.replace('text', '');
    expect(fence.length).toBe(5);
    expect(block.endsWith(`\n${fence}`)).toBe(true);
    expect(block.split('\n').slice(1, -1).join('\n')).toBe(text);
  });

  it('inline Markdown cannot open links, HTML, emphasis, code or table cells', () => {
    const out = inline('[click](http://x) <img src=x> **b** `c` | d\nnext');
    expect(out).not.toMatch(/[[\]<>*`|\n]/);
    expect(out).toContain('&#91;click&#93;');
  });

  it('inline Markdown cannot start a heading or list, nor autolink a bare URL', () => {
    expect(inline('# Pwned')).toBe('&#35; Pwned');
    expect(inline('- item')).toBe('&#45; item');
    expect(inline('1. first')).toBe('1&#46; first');
    expect(inline('see https://evil.example and www.evil.example')).toBe('see https&#58;//evil.example and www&#46;evil.example');
  });

  it('HTML escaping covers element content and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('communication signals', () => {
  it('counts fillers, hedges, quantified impact and trade-offs, with examples from the answers', () => {
    const s = communicationSignals([
      'I think we basically cached it. Maybe that helped.',
      'We cut p99 latency from 800 ms to 120 ms by adding an index, at the cost of slower writes.',
    ]);
    expect(s.answers).toBe(2);
    expect(s.quantifiedAnswers).toBe(1);
    expect(s.tradeOffAnswers).toBe(1);
    expect(s.hedgesPer100Words).toBeGreaterThan(0);
    expect(s.fillerPer100Words).toBeGreaterThan(0);
    expect(s.examples.quantified[0]).toContain('800 ms');
    expect(s.examples.tradeOffs[0]).toContain('at the cost of');
  });

  it('notes vague, one-sided answers', () => {
    const s = communicationSignals(['It is fast.', 'It scales well.']);
    expect(s.quantifiedAnswers).toBe(0);
    expect(s.notes.join(' ')).toMatch(/number/);
    expect(s.notes.join(' ')).toMatch(/trade-off/);
  });
});

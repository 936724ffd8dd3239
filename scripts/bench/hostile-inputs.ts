/**
 * Adversarial post bodies, each a function of a repeat count, for the
 * hostile benchmark (hostile.ts) and the linear-time tests: the shapes that
 * once made a stage quadratic or crashed it (issue 15), plus their
 * neighbours. Each is a valid post that must build, or a clear refusal.
 */

import { LIMITS } from '../pipeline/limits.ts'

export interface HostileKind {
  name: string
  /** The body for `n` repeats; roughly proportional in size to `n`. */
  body: (n: number) => string
  /** Repeats for the 1x size. */
  base: number
}

const lines = (n: number, line: (i: number) => string, sep = '\n') => Array.from({ length: n }, (_, i) => line(i)).join(sep)
/** A block of `depth`-deep nesting, repeated `n` times (the nesting limit bounds the depth, not the count). */
const nested = (n: number, open: (d: number) => string) => lines(n, () => lines(LIMITS.nestingDepth, (d) => `${open(d)}x`), '\n\n')

export const HOSTILE_KINDS: HostileKind[] = [
  { name: 'short paragraphs', base: 5000, body: (n) => lines(n, (i) => `para ${i}`, '\n\n') },
  { name: 'unterminated {: on one line', base: 20000, body: (n) => '{: '.repeat(n) },
  { name: 'unterminated {: per line', base: 10000, body: (n) => lines(n, () => 'a {: "b') },
  { name: 'unterminated {% and {{', base: 10000, body: (n) => '{% {{ '.repeat(n) },
  { name: 'unpaired backticks', base: 10000, body: (n) => 'a `b ``c '.repeat(n) },
  { name: 'table rows', base: 5000, body: (n) => `a | b\n--|--\n${lines(n, (i) => `${i} | x`)}` },
  { name: 'flat list items', base: 5000, body: (n) => lines(n, (i) => `- item ${i}`) },
  { name: 'quote blocks', base: 5000, body: (n) => lines(n, (i) => `> q ${i}`, '\n\n') },
  { name: `quotes ${LIMITS.nestingDepth} deep`, base: 20, body: (n) => nested(n, (d) => '>'.repeat(d + 1) + ' ') },
  { name: `lists ${LIMITS.nestingDepth} deep`, base: 20, body: (n) => nested(n, (d) => `${'  '.repeat(d)}- `) },
  { name: 'emphasis runs', base: 5000, body: (n) => '**a *b _c '.repeat(n) },
  { name: 'open brackets', base: 5000, body: (n) => '[a ![b '.repeat(n) },
  { name: 'HTML tags', base: 5000, body: (n) => lines(n, (i) => `<span>${i}</span> <b>x</b>`) },
  // Openers with no closer: each once searched the rest of the post for one (block-memo.ts).
  { name: 'unclosed fences', base: 2000, body: (n) => lines(n, (i) => `\`\`\`\`x\n${i}`, '\n\n') },
  { name: 'unclosed <div>', base: 2000, body: (n) => lines(n, (i) => `<div>\n${i}`, '\n\n') },
  { name: 'unclosed $$', base: 2000, body: (n) => lines(n, (i) => `$$ ${i}`, '\n\n') },
  { name: 'unclosed {% raw %}', base: 2000, body: (n) => lines(n, (i) => `{% raw %} ${i}`, '\n\n') },
  // Each once read the rest of its paragraph or line at every repeat (kramdown-strike.ts,
  // footnote-refs.ts, block-memo.ts knownMiss and memoStart, ial.ts merge).
  { name: 'unclosed ~~ then one ~~', base: 2500, body: (n) => `${'~~a '.repeat(n)}b~~` },
  { name: 'unclosed [^', base: 2500, body: (n) => '[^a '.repeat(n) },
  { name: 'link definition lines', base: 2500, body: (n) => lines(n, (i) => `[l${i}]: /x/${i}`) },
  { name: 'footnote definition lines', base: 2500, body: (n) => lines(n, (i) => `[^f${i}]: note ${i}`) },
  { name: 'attribute list lines', base: 2500, body: (n) => `${lines(n, (i) => `{: .c${i}}`)}
x` },
  // Lines a block tokenizer declines, so marked grew the paragraph by them one at a time,
  // copying it whole at each (paragraph-tail.ts); an unclosed `<!--` also searched the rest
  // of the text for `-->` at each (kramdown-blocks.ts tag).
  { name: 'comment lines in a paragraph', base: 2500, body: (n) => 'text\n<!-- c -->\n'.repeat(n) },
  { name: 'unclosed fence lines in a paragraph', base: 2500, body: (n) => 'text\n```x\n'.repeat(n) },
  { name: 'unclosed <!-- lines in a paragraph', base: 2500, body: (n) => 'text\n<!--\n'.repeat(n) },
  { name: 'URL starts, no URL', base: 2500, body: (n) => 'http://:mailto:'.repeat(n) },
  { name: 'underscores in a URL', base: 2500, body: (n) => `http://a${'_b'.repeat(n)}` },
]

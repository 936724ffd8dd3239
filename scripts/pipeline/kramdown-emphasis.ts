/**
 * Emphasis as kramdown reads it (kramdown/parser/kramdown/emphasis.rb), as a
 * marked inline extension that takes every `*` and `_` before marked's own
 * CommonMark delimiter algorithm sees them.
 *
 * kramdown's rule is recursive descent, not CommonMark's flanking runs: `**`
 * opens unless a space follows, and closes at the next `**` that has no space
 * before it, whatever the characters around it are. So it bolds
 * `**结论：**Swift` and `**<mark>注意：</mark>**Chirpy` (CJK punctuation or a tag
 * beside the delimiter), and `__$L_{full}$__` is one strong span (a single `_`
 * cannot close a `__`), all of which CommonMark leaves as literal delimiters.
 * The details follow emphasis.rb:
 *
 * - `_` after a letter (`snake_case`) is text; so is a delimiter before a space.
 * - no strong inside strong, no em inside em;
 * - a closer has no space before it; an em closer is not `**` (unless `***`);
 *   an `_` closer has no letter or digit after it;
 * - an unclosed `**` is retried as em from its second character (kramdown
 *   drops the first one: `**foo*` is `<em>*foo</em>`), else it is text.
 *
 * While looking for the closer, code spans, HTML tags, links and `$$` math are
 * stepped over whole, as kramdown's span parsers consume them.
 */

import { Tokenizer, type MarkedExtension, type Token, type TokenizerExtension, type Tokens } from 'marked'
import { boundedStart } from './inline-start.ts'

type Kind = 'strong' | 'em'

/** The kinds open around the text being tokenized (kramdown's @tree and @stack). */
const open: Kind[] = []

/**
 * Characters the closer searches may step over in one document. A closer is
 * usually a few words away, so real posts use a small share; text made of
 * thousands of unclosable openers (`**a **a …`) would otherwise cost time
 * quadratic in its length. Past the budget, a delimiter is text.
 */
const BUDGET = 1_000_000
let budget = BUDGET

/** Nested results within one top-level match: position and open kinds → match. */
type Memo = Map<string, Match | null>

const SPACE = /\s/
const ALPHA_BEFORE = /\p{Alphabetic}-?\p{Alphabetic}*$/u
const ALNUM = /[\p{Alphabetic}\p{Nd}]/u
const TAG = /^<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>|^<!--[\s\S]*?-->|^<[A-Za-z][\w+.-]*:[^\s<>]*>/

/** Where the construct starting at `i` ends, when it is one kramdown parses as a unit; else undefined. */
function skipSpan(src: string, i: number): number | undefined {
  const c = src[i]
  if (c === '\\') return i + 2
  if (c === '`') {
    let n = i
    while (src[n] === '`') n++
    const run = src.slice(i, n)
    const close = src.indexOf(run, n)
    return close < 0 ? n : close + run.length
  }
  if (c === '<') {
    const tag = TAG.exec(src.slice(i))
    if (!tag) return undefined
    const name = /^<([A-Za-z][\w:-]*)/.exec(tag[0])?.[1]
    const end = name && !tag[0].endsWith('/>') ? src.slice(i + tag[0].length).search(new RegExp(`</${name}\\s*>`, 'i')) : -1
    return end < 0 ? i + tag[0].length : i + tag[0].length + end
  }
  if (c === '$' && src[i + 1] === '$') {
    const close = src.indexOf('$$', i + 2)
    return close < 0 ? undefined : close + 2
  }
  if (c === '[' || (c === '!' && src[i + 1] === '[')) {
    const m = /^!?\[(?:[^\[\]\\]|\\.)*\](?:\([^()\s]*(?:\s+"[^"]*")?\)|\[[^\]]*\])/.exec(src.slice(i))
    return m ? i + m[0].length : undefined
  }
  return undefined
}

/** kramdown's stop test for a closer `delim` of `kind` at `i` (content starts at `from`). */
function closesAt(src: string, i: number, delim: string, kind: Kind, from: number): boolean {
  if (!src.startsWith(delim, i) || i <= from || SPACE.test(src[i - 1] ?? '')) return false
  if (kind === 'em' && src.startsWith(delim + delim, i) && src[i + 2] !== delim) return false
  return delim[0] !== '_' || !ALNUM.test(src[i + delim.length] ?? '')
}

/** The index of the closer of an emphasis whose content starts at `from`, or -1. */
function findClose(src: string, from: number, delim: string, kind: Kind, stack: Kind[], memo: Memo): number {
  if (src.indexOf(delim, from + 1) < 0) return -1
  let i = from
  while (i < src.length) {
    if (--budget < 0) return -1
    if (closesAt(src, i, delim, kind, from)) return i
    const c = src[i]
    if (c === '*' || c === '_') {
      const inner = matchEmphasis(src, i, src.slice(Math.max(0, i - 3), i), stack, memo)
      i = inner ? inner.end : i + inner_len(src, i)
      continue
    }
    i = skipSpan(src, i) ?? i + 1
  }
  return -1
}

const inner_len = (src: string, i: number) => (src[i + 1] === src[i] ? 2 : 1)

interface Match {
  kind: Kind
  /** Content bounds and the end of the whole span. */
  from: number
  to: number
  end: number
}

/** An emphasis span starting at `at` in `src` (`before` is the text preceding it), as kramdown would parse it. */
function matchEmphasis(src: string, at: number, before: string, stack: Kind[], memo: Memo = new Map()): Match | undefined {
  const key = `${at}:${stack.join()}`
  const known = memo.get(key)
  if (known !== undefined) return known ?? undefined
  const found = matchAt(src, at, before, stack, memo)
  memo.set(key, found ?? null)
  return found
}

function matchAt(src: string, at: number, before: string, stack: Kind[], memo: Memo): Match | undefined {
  const type = src[at]!
  const delim = src[at + 1] === type ? type + type : type
  const kind: Kind = delim.length === 2 ? 'strong' : 'em'
  if ((type === '_' && ALPHA_BEFORE.test(before)) || SPACE.test(src[at + delim.length] ?? '') || stack.includes(kind)) return undefined
  const from = at + delim.length
  const close = findClose(src, from, delim, kind, [...stack, kind], memo)
  if (close >= 0) return { kind, from, to: close, end: close + delim.length }
  if (kind === 'strong' && stack[stack.length - 1] !== 'em') {
    // emphasis.rb retries as em from the second character, which stays content.
    const em = findClose(src, at + 1, type, 'em', [...stack, 'em'], memo)
    if (em >= 0) return { kind: 'em', from: at + 1, to: em, end: em + 1 }
  }
  return undefined
}

/** The source text just before the current position: the raw of the tokens already made. */
function textBefore(tokens: Token[]): string {
  const last = tokens[tokens.length - 1]
  return last ? last.raw.slice(-3) : ''
}

const emphasis: TokenizerExtension = {
  name: 'kramdownEmphasis',
  level: 'inline',
  // Bounded (inline-start.ts): an unbounded search of the rest of the paragraph per text run was quadratic.
  start: boundedStart((src) => src.search(/[*_]/)),
  tokenizer(src, tokens) {
    const type = src[0]
    if (type !== '*' && type !== '_') return undefined
    const m = matchEmphasis(src, 0, textBefore(tokens as Token[]), open)
    if (!m) {
      const run = src.slice(0, inner_len(src, 0))
      return { type: 'text', raw: run, text: run }
    }
    open.push(m.kind)
    try {
      const text = src.slice(m.from, m.to)
      return { type: m.kind, raw: src.slice(0, m.end), text, tokens: this.lexer.inlineTokens(text) } as Tokens.Strong | Tokens.Em
    } finally {
      open.pop()
    }
  },
}

/**
 * A bare URL (Kumo links them, kramdown does not) ends where kramdown sees
 * emphasis in it: `…disposition=**file.jar**&…` is bold text in Jekyll, and a
 * link swallowing the asterisks would show them literally.
 */
function url(this: Tokenizer, src: string): Tokens.Link | false {
  // marked tries this at every position of the text: only a URL's start is worth the scan, and
  // only one with a host character after it, as marked's own URL rule needs.
  if (!/^(?:https?:\/\/|www\.)[a-zA-Z0-9-]/i.test(src)) return false
  // The URL ends at whitespace or `<` (marked's `[^\s<]*`). Read stop by stop, never searched to its
  // end first: a line of URL starts that are no URLs (`<http://<http://…`) would cost its length at each.
  const stops = /[*_\s<]/g
  for (let m = stops.exec(src); m && (m[0] === '*' || m[0] === '_'); m = stops.exec(src)) {
    // The three characters before, as everywhere here: the whole URL before it made each test cost its length.
    if (matchEmphasis(src, m.index, src.slice(Math.max(0, m.index - 3), m.index), open)) return Tokenizer.prototype.url.call(this, src.slice(0, m.index)) ?? false
  }
  return false
}

/** The extension: kramdown's emphasis in place of CommonMark's. */
export const kramdownEmphasis: MarkedExtension = {
  extensions: [emphasis],
  tokenizer: { url },
  hooks: {
    preprocess(markdown) {
      budget = BUDGET
      return markdown
    },
  },
}

/**
 * kramdown's typography, for sites that used it (site.yml `typography:
 * kramdown`, the default): smart quotes and the typographic symbols
 * `---` → —, `--` → –, `...` → …, `<<` → «, `>>` → ».
 *
 * A port of kramdown 2.4's own rules (lib/kramdown/parser/kramdown/
 * smart_quotes.rb, itself from SmartyPants, and typographic_symbol.rb) rather
 * than the smartypants package, which differs where posts show it: SmartyPants
 * makes `--` an em dash and knows no guillemets, and kramdown decides a quote
 * from the one character before it *in the same text run* (none after an
 * element such as `**bold**`), so `中文"引号"` comes out as kramdown made it.
 * Ruby's `\w`, `\s` and `$` are ASCII word characters, ASCII spaces and end
 * of line; the classes below spell that out.
 *
 * It runs on marked's tokens, so code spans, code blocks, raw HTML and URLs
 * are never touched.
 */

import { boundedStart } from './inline-start.ts'
import type { Token, TokenizerExtension } from 'marked'

const S = '[ \\t\\r\\n\\f\\v]'
const NS = '[^ \\t\\r\\n\\f\\v]'
const W = '[A-Za-z0-9_]'
const SQ_PUNCT = `[!"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_\`{|}~]`
const SQ_CLOSE = '[^ \\\\\\t\\r\\n\\[{(-]'

type Subst = number | 'ldquo' | 'rdquo' | 'lsquo' | 'rsquo' | 'lquote1' | 'rquote1' | 'lquote2' | 'rquote2'

// smart_quotes.rb SQ_RULES, in order; `y`: anchored where the quote (or the character before it) is.
const RULES: Array<[RegExp, Subst[]]> = [
  [new RegExp(`(["'])(?=[_*]{1,2}${NS})`, 'y'), ['lquote1']],
  [new RegExp(`(["'])(?=${SQ_PUNCT}(?!\\.\\.)(?:(?<=${W})(?!${W})|(?<!${W})(?!${W})))`, 'y'), ['rquote1']],
  [new RegExp(`(${S}?)"'(?=${W})`, 'y'), [1, 'ldquo', 'lsquo']],
  [new RegExp(`(${S}?)'"(?=${W})`, 'y'), [1, 'lsquo', 'ldquo']],
  [new RegExp(`(${S}?)'(?=\\d\\ds)`, 'y'), [1, 'rsquo']],
  [new RegExp(`(${S})(['"])(?=${W})`, 'y'), [1, 'lquote2']],
  [new RegExp(`(${SQ_CLOSE})(['"])`, 'y'), [1, 'rquote2']],
  [new RegExp(`(["'])(?=${S}|s(?!${W})|$)`, 'my'), ['rquote1']],
  [/([\s\S]?)'/y, [1, 'lsquo']],
  [/([\s\S]?)"/y, [1, 'ldquo']],
]

const QUOTE: Record<string, string> = { ldquo: '\u201c', rdquo: '\u201d', lsquo: '\u2018', rsquo: '\u2019' }
const SYMBOL: Record<string, string> = { '---': '\u2014', '--': '\u2013', '...': '\u2026', '<< ': '\u00ab\u00a0', ' >>': '\u00a0\u00bb', '<<': '\u00ab', '>>': '\u00bb' }

// Where kramdown's span parser stops: a quote (with the character before it, unless a backslash) or a symbol.
const START = /([^\\]?)(["'])|(---|--|\.\.\.|<< | >>|<<|>>)/g

/** One text run made typographic; `after` is the source that follows it (for look-ahead only). */
export function smartText(text: string, after = ''): string {
  if (!/["'.<>-]/.test(text)) return text
  const src = text + after
  let out = ''
  let pos = 0
  START.lastIndex = 0
  for (let m = START.exec(text); m; m = START.exec(text)) {
    out += text.slice(pos, m.index)
    if (m[3]) {
      out += SYMBOL[m[3]]
      pos = m.index + m[3].length
    } else {
      pos = m.index
      for (const [re, substs] of RULES) {
        re.lastIndex = pos
        const r = re.exec(src)
        if (!r) continue
        for (const s of substs) {
          if (typeof s === 'number') out += r[s] ?? ''
          else if (s in QUOTE) out += QUOTE[s]
          else out += r[Number(s.at(-1))] === '"' ? (s.startsWith('l') ? QUOTE.ldquo : QUOTE.rdquo) : s.startsWith('l') ? QUOTE.lsquo : QUOTE.rsquo
        }
        pos += r[0].length
        break
      }
    }
    START.lastIndex = pos
  }
  return out + text.slice(pos)
}

const SKIP = new Set(['code', 'codespan', 'html', 'escape', 'image', 'def'])

/** Applies kramdown's typography to every text run in a token tree, in place. */
export function smartTokens(tokens: Token[]): void {
  tokens.forEach((token, i) => {
    if (SKIP.has(token.type)) return
    const t = token as Token & { tokens?: Token[]; items?: Array<{ tokens: Token[] }>; header?: Array<{ tokens: Token[] }>; rows?: Array<Array<{ tokens: Token[] }>>; moreHeader?: Array<Array<{ tokens: Token[] }>> }
    if (token.type === 'text' && !t.tokens && !(token as { escaped?: boolean }).escaped) {
      const after = tokens.slice(i + 1, i + 3).map((n) => n.raw).join('')
      const text = token as { text: string }
      text.text = smartText(text.text, after)
      return
    }
    if (t.tokens) smartTokens(t.tokens)
    // A footnote's blocks are its `content` (marked-footnote), in the `items` of the list of notes.
    for (const item of t.items ?? []) smartTokens(item.tokens ?? (item as { content?: Token[] }).content ?? [])
    for (const cell of [...(t.header ?? []), ...(t.moreHeader ?? []).flat(), ...(t.rows ?? []).flat()]) smartTokens(cell.tokens)
  })
}

/**
 * `<<` as «, before marked can read `<<tight>>` as a `<tight>` tag
 * (kramdown tries typographic symbols there first, as a span-HTML start needs a
 * name right after `<`). Only when `enabled()` says the site uses kramdown's typography.
 */
export function guillemets(enabled: () => boolean): TokenizerExtension {
  return {
    name: 'guillemets',
    level: 'inline',
    start: boundedStart((src) => (enabled() ? src.indexOf('<<') : -1)),
    tokenizer(src) {
      if (!enabled()) return undefined
      const m = /^<< ?/.exec(src)
      return m ? { type: 'text', raw: m[0], text: SYMBOL[m[0]]!, escaped: false } : undefined
    },
  }
}

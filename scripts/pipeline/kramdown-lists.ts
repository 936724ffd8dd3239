/**
 * Lists as kramdown reads them (lib/kramdown/parser/kramdown/list.rb), which
 * real posts depend on and CommonMark reads differently:
 *
 * - An item's content is indented by its marker's width plus the spaces after
 *   it; until a blank line, any other non-blank line is a lazy continuation
 *   of the item, so `1. Step` followed by `  - detail` (two spaces, short of
 *   the three `1. ` needs) nests the detail in step 1, and `2. Next` goes on
 *   with the same list instead of starting a new one.
 * - After a blank line only lines indented to the content, or the next item,
 *   continue the list.
 * - An item's first paragraph is bare (a tight item) unless a blank line
 *   follows it, with kramdown's rule for the last item.
 *
 * - Any list start ends a paragraph (gfm.rb PARAGRAPH_END_GFM has LIST_START):
 *   an empty item (`* ` and nothing after it) or `2.` below a paragraph line
 *   starts a list, where CommonMark lets only a non-empty item or `1.` interrupt
 *   a paragraph (see listInterrupt).
 *
 * GFM task items (`- [ ] x`) get their checkbox as marked makes it.
 */

import type { Lexer, Tokens, TokenizerExtension } from 'marked'
import { Lines, firstLine as firstLineOf } from './lines.ts'

const LIST_START_UL = /^( {0,3}[+*-])([\t| ].*)$/
const LIST_START_OL = /^( {0,3}\d+\.)([\t| ].*)$/
const LIST_START = /^ {0,3}(?:[+*-]|\d+\.)[\t| ]/
const HR = /^ {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}$/
const EOB = /^\^\s*$/
const IAL_ONLY = /^\s*(?:\{:(?!:|\/)(?:\\\}|[^}])+\})?\s*$/
const SPAN_ELEMENTS = 'a|abbr|acronym|b|big|bdo|br|button|cite|code|del|dfn|em|i|img|input|ins|kbd|label|mark|option|q|rb|rbc|rp|rt|rtc|ruby|samp|select|small|span|strong|sub|sup|tt|u|var|script'

/** list.rb fetch_pattern: the next item's marker may sit at most indentation−1 (and 3) spaces in. */
function itemPattern(ordered: boolean, indentation: number): RegExp {
  const max = Math.max(0, Math.min(indentation - 1, 3))
  return new RegExp(`^( {0,${max}}${ordered ? '\\d+\\.' : '[+*-]'})([\\t| ].*)$`)
}

interface ItemPatterns {
  content: RegExp
  lazy: RegExp
  indent: RegExp
}

/** list.rb parse_first_list_line: the item's first line and the indentation its content has. */
function firstLine(markerWidth: number, rest: string): { text: string; indentation: number } & ItemPatterns {
  let indentation = markerWidth
  let content = rest
  if (IAL_ONLY.test(content)) indentation = 4
  else {
    while (/^ *\t/.test(content)) {
      const temp = /^ */.exec(content)![0].length + indentation
      content = content.replace(/^( *)(\t+)/, (_, sp: string, tabs: string) => sp + ' '.repeat(4 - (temp % 4) + (tabs.length - 1) * 4))
    }
    indentation += /^ */.exec(content)![0].length
  }
  const q = Math.floor(indentation / 4)
  const lazyIndent = Math.min(indentation, 3)
  return {
    text: content.replace(/^\s*/, ''),
    indentation,
    content: new RegExp(`^(?:(?:\\t| {4}){${q}} {${indentation % 4}}|(?:\\t| {4}){${q + 1}}).*\\S.*$`),
    lazy: new RegExp(`^(?! {0,${lazyIndent}}(?:\\{:(?!:|\\/)(?:\\\\\\}|[^}])+\\}\\s*$|<\\/(?!(?:${SPAN_ELEMENTS})\\b)[A-Za-z][\\w:-]*\\s*>|<(?!(?:${SPAN_ELEMENTS})\\b)[A-Za-z])).*\\S.*$`),
    indent: new RegExp(`^ {${indentation}}`),
  }
}

interface RawItem {
  raw: string[]
  text: string[]
}

/** The lines of one list at the start of `src`, cut into items as list.rb does; undefined when no list starts here. */
function scan(src: string): { ordered: boolean; items: RawItem[]; raw: string; eob: boolean } | undefined {
  // Lines are read only as far as the list goes (lines.ts): marked offers every block to this tokenizer.
  const head = firstLineOf(src)
  const ordered = !LIST_START_UL.test(head) && LIST_START_OL.test(head)
  if (!ordered && !LIST_START_UL.test(head)) return undefined
  const lines = new Lines(src)
  let start = ordered ? LIST_START_OL : LIST_START_UL
  const items: RawItem[] = []
  let item: RawItem | undefined
  let patterns: ItemPatterns & { indentation: number } = { content: /$^/, lazy: /$^/, indent: /$^/, indentation: 0 }
  let nested = false
  let lastBlank = false
  let eob = false
  for (let next = lines.peek(); next !== undefined; lines.next(), next = lines.peek()) {
    let line = next
    if (lastBlank && HR.test(line)) break
    if (EOB.test(line)) {
      eob = true
      lines.next()
      break
    }
    const m = start.exec(line)
    if (m) {
      const first = firstLine(m[1]!.length, m[2]!)
      patterns = first
      item = { raw: [line], text: [first.text] }
      items.push(item)
      start = itemPattern(ordered, first.indentation)
      nested = LIST_START.test(first.text)
      lastBlank = false
    } else if (item && (patterns.content.test(line) || (!lastBlank && patterns.lazy.test(line)))) {
      item.raw.push(line)
      line = line.replace(/^(\t+)/, (tabs) => ' '.repeat(4 * tabs.length))
      const found = patterns.indent.test(line)
      if (found) line = line.replace(patterns.indent, '')
      if (!nested && found && LIST_START.test(line)) nested = true
      else if (nested && !found && LIST_START.test(line)) line = ' '.repeat(patterns.indentation + 4) + line
      item.text.push(line)
      lastBlank = false
    } else if (item && line.trim() === '') {
      item.raw.push(line)
      item.text.push('')
      nested = true
      lastBlank = true
    } else break
  }
  return { ordered, items, raw: lines.raw(), eob }
}

const TASK = /^\[([ xX])\][ \t]+/

/** marked's `list` tokenizer, replaced: a list token of kramdown's items. */
export function kramdownList(this: { lexer: Lexer }, src: string): Tokens.List | undefined {
  const found = scan(src)
  if (!found || found.items.length === 0) return undefined
  const raw = found.raw
  const top = this.lexer.state.top
  this.lexer.state.top = true
  const parsed = found.items.map((it) => {
    const text = it.text.map((l) => `${l}\n`).join('')
    const task = TASK.exec(text)
    const tokens = this.lexer.blockTokens(task ? text.slice(task[0].length) : text, [])
    const firstIsP = tokens[0]?.type === 'paragraph'
    const rest = tokens.slice(1).filter((t) => t.type !== 'space')
    const blankAfterFirst = /\n[ \t]*\n$/.test(tokens[0]?.raw ?? '') || tokens[1]?.type === 'space'
    return { it, text, task, tokens, firstIsP, blankAfterFirst, onlyBlankAfter: rest.length === 0 && blankAfterFirst, transparent: false }
  })
  this.lexer.state.top = top
  parsed.forEach((p, n) => {
    const last = n === parsed.length - 1
    p.transparent =
      p.firstIsP &&
      (!p.blankAfterFirst || (last && p.onlyBlankAfter && !found.eob)) &&
      (!last || parsed.length === 1 || parsed.slice(0, -1).some((q) => !q.firstIsP || q.transparent))
  })
  const items: Tokens.ListItem[] = parsed.map((p) => {
    const tokens = p.tokens
    if (p.transparent) tokens[0] = { ...(tokens[0] as Tokens.Paragraph), type: 'text' } as unknown as Tokens.Text
    if (p.task) {
      const checkbox = { type: 'checkbox', raw: p.task[0], checked: p.task[1] !== ' ' } as Tokens.Checkbox
      const first = tokens[0] as Tokens.Paragraph | undefined
      if (first && 'tokens' in first && first.tokens) first.tokens.unshift(checkbox)
      else tokens.unshift(checkbox)
    }
    return { type: 'list_item', raw: p.it.raw.join('\n'), task: !!p.task, checked: p.task ? p.task[1] !== ' ' : undefined, loose: !p.transparent, text: p.text, tokens }
  })
  const startNumber = found.ordered ? Number(/\d+/.exec(src)![0]) : ''
  return { type: 'list', raw, ordered: found.ordered, start: startNumber, loose: items.some((i) => i.loose), items }
}

// Lines that end a marked paragraph anyway (a heading, quote, fence, rule, block HTML): the scan stops there.
const PARAGRAPH_STOP = new RegExp(`^ {0,3}(?:[#>]|\`{3}|~{3}|<(?!(?:${SPAN_ELEMENTS})\\b))|${HR.source}`)

/**
 * Where the paragraph starting at `src` (less its first character, as marked's
 * startBlock hint passes it) meets a line that starts a list: the offset of that
 * line, or undefined. marked cuts the paragraph there and the list tokenizer
 * takes the rest; were the cut wrong, marked joins the next paragraph back on.
 * The scan stops where marked's paragraph ends (a blank line, PARAGRAPH_STOP),
 * so each line is read about once however many paragraphs the document has. A
 * `- ` line right below the paragraph is a setext underline (marked's lheading
 * and kramdown's both come before this).
 */
function listInterruptAt(src: string): number | undefined {
  for (let nl = src.indexOf('\n'); nl >= 0; ) {
    const start = nl + 1
    const end = src.indexOf('\n', start)
    const line = src.slice(start, end < 0 ? src.length : end)
    if (line.trim() === '' || PARAGRAPH_STOP.test(line)) return undefined
    if (LIST_START.test(line)) return start
    nl = end
  }
  return undefined
}

/** The hint alone: the list tokenizer (kramdownList) then reads the list. */
export const listInterrupt: TokenizerExtension = {
  name: 'kramdownListInterrupt',
  level: 'block',
  start: listInterruptAt,
  tokenizer: () => undefined,
}

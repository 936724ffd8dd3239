/**
 * kramdown's definition lists (kramdown syntax, "Definition Lists";
 * kramdown/parser/kramdown/list.rb, parse_definition_list), which GFM lacks:
 *
 *   Sun                    <dl>
 *   : the star             <dt>Sun</dt><dd>the star</dd>
 *                          <dt>Moon</dt><dd>the moon</dd>
 *   Moon                   </dl>
 *   : the moon
 *
 * Every line of the paragraph before a `: ` line is a term; each `: ` line
 * starts a definition, which runs on over indented and lazy lines and, after a
 * blank line, over indented paragraphs. A definition's first paragraph is bare
 * text unless a blank line stands before its `:` (kramdown's transparent <p>).
 * After a blank line, a new paragraph followed by `: ` continues the same list.
 */

import type { MarkedExtension, Token, TokenizerExtension, TokenizerThis } from 'marked'
import { knownMiss, recordMiss } from './block-memo.ts'

export interface DefinitionItem {
  kind: 'dt' | 'dd'
  /** A term's inline tokens, or a definition's block tokens. */
  tokens: Token[]
  /** A definition whose first paragraph kramdown writes without <p>. */
  bare?: boolean
}

export interface DefinitionListToken {
  type: 'definitionList'
  raw: string
  items: DefinitionItem[]
}

const DEF = /^ {0,3}:[ \t]+/
const BLANK = /^[ \t]*$/
// A line that starts another block cannot be a term (it would not be a paragraph's line).
const OTHER_BLOCK = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|>|[-*+][ \t]|\d+[.)][ \t]|`{3}|~{3}|<|\||\$\$|[-*_=]{3,}[ \t]*$|\{:)|^(?: {4}|\t)/

/** Lines of `src` from `from`, one at a time, with where each ends. */
function lineAt(src: string, from: number): { line: string; next: number } | undefined {
  if (from >= src.length) return undefined
  const end = src.indexOf('\n', from)
  return end < 0 ? { line: src.slice(from), next: src.length } : { line: src.slice(from, end), next: end + 1 }
}

/**
 * The term lines starting at `pos`, and the position of the `:` line after them (a blank line
 * may stand between); when there are none, where the search stopped: the line it could not
 * pass, or the end.
 */
function terms(src: string, pos: number): { lines: string[]; def: number; blank: boolean } | { stop: number } {
  const lines: string[] = []
  let at = lineAt(src, pos)
  while (at && !BLANK.test(at.line) && !DEF.test(at.line)) {
    if (OTHER_BLOCK.test(at.line)) return { stop: pos }
    lines.push(at.line.trim())
    pos = at.next
    at = lineAt(src, pos)
  }
  if (!lines.length || !at) return { stop: pos }
  const blank = BLANK.test(at.line)
  if (blank) {
    pos = at.next
    at = lineAt(src, pos)
  }
  return at && DEF.test(at.line) ? { lines, def: pos, blank } : { stop: pos }
}

/** One definition from its `:` line at `pos`: its Markdown (indentation removed) and where it ends. */
function definition(src: string, pos: number): { text: string; end: number } {
  const first = lineAt(src, pos)!
  const parts = [first.line.replace(DEF, '')]
  let end = first.next
  for (let at = lineAt(src, end); at; at = lineAt(src, end)) {
    if (DEF.test(at.line)) break
    if (BLANK.test(at.line)) {
      // After a blank line only indented text is still this definition's.
      let look = at.next
      let nextLine = lineAt(src, look)
      while (nextLine && BLANK.test(nextLine.line)) nextLine = lineAt(src, (look = nextLine.next))
      if (!nextLine || !/^(?: {1,}|\t)\S/.test(nextLine.line)) break
      parts.push('')
      end = at.next
      continue
    }
    if (parts[parts.length - 1] === '' && !/^(?: {1,}|\t)/.test(at.line)) break
    parts.push(at.line.replace(/^(?: {1,4}|\t)/, ''))
    end = at.next
  }
  return { text: parts.join('\n'), end }
}

function tokenizer(this: TokenizerThis, src: string): DefinitionListToken | undefined {
  // Tried at every block, this search reads on to the first line no term can be; lines
  // that are each a block of their own (link definitions) would make that quadratic.
  if (knownMiss(this.lexer, src, 'terms')) return undefined
  const first = terms(src, 0)
  if ('stop' in first) {
    recordMiss(this.lexer, src, 'terms', first.stop)
    return undefined
  }
  let group: { lines: string[]; def: number; blank: boolean } | undefined = first
  const items: DefinitionItem[] = []
  let pos = 0
  while (group) {
    for (const term of group.lines) items.push({ kind: 'dt', tokens: this.lexer.inline(term) })
    pos = group.def
    let blankBefore = group.blank
    for (let at = lineAt(src, pos); at && DEF.test(at.line); at = lineAt(src, pos)) {
      const d = definition(src, pos)
      items.push({ kind: 'dd', tokens: this.lexer.blockTokens(d.text), bare: !blankBefore })
      pos = d.end
      // A blank line, then another `: ` line: a further definition, in a <p>.
      const next = lineAt(src, pos)
      blankBefore = false
      if (next && BLANK.test(next.line) && DEF.test(lineAt(src, next.next)?.line ?? '')) {
        pos = next.next
        blankBefore = true
      }
    }
    // A blank line, then new terms and their `: ` line: the same list goes on.
    const gap = lineAt(src, pos)
    const more = gap && BLANK.test(gap.line) ? terms(src, gap.next) : undefined
    group = more && 'lines' in more ? more : undefined
  }
  return { type: 'definitionList', raw: src.slice(0, pos), items }
}

const definitionList: TokenizerExtension = {
  name: 'definitionList',
  level: 'block',
  // No start(): the terms are a paragraph's lines from its first, where block tokenizers are tried anyway.
  tokenizer,
}

/** The extension: the tokenizer and the <dl> renderer. */
export const kramdownDefinitions: MarkedExtension = {
  extensions: [
    definitionList,
    {
      name: 'definitionList',
      renderer(token) {
        const items = (token as unknown as DefinitionListToken).items
        const html = items.map((item) => {
          if (item.kind === 'dt') return `<dt>${this.parser.parseInline(item.tokens)}</dt>\n`
          const [first, ...rest] = item.tokens
          const bare = item.bare && first?.type === 'paragraph' ? this.parser.parseInline((first as { tokens: Token[] }).tokens) + (rest.length ? '\n' : '') : undefined
          return `<dd>${bare ?? ''}${this.parser.parse(bare === undefined ? item.tokens : rest)}</dd>\n`
        })
        return `<dl>\n${html.join('')}</dl>\n`
      },
    },
  ],
}

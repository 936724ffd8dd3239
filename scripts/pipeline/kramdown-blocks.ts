/**
 * Where kramdown's block grammar (GFM parser, as Jekyll runs it) differs from
 * CommonMark's in ways real posts show, as a marked extension. Each rule cites
 * the kramdown 2.4 source it follows (lib/kramdown/parser/…):
 *
 * - Fences (gfm.rb FENCED_CODEBLOCK_MATCH): the info string is one word at most,
 *   and a fence with no closing line is no fence. A signature line like
 *   `~~~——Name 2012.5.14~~~` is text, not a code block that eats the post.
 * - Tables (kramdown/table.rb): a table starts after a blank line, any line with
 *   an unescaped `|` outside code spans continues it whatever its indentation,
 *   a separator line is optional, `|` inside a code span is not a cell border,
 *   and the table must end at a blank line (else it is a paragraph).
 * - HTML blocks (kramdown/html.rb): an element that is not a span element runs
 *   to its matching end tag, blank lines and all, and its content is raw
 *   (`parse_block_html` is off in Jekyll) unless it says `markdown="1"`.
 *   Span elements (`<img>`, `<span>`, `<a>`…) at a line start begin a paragraph.
 * - Lists (list.rb): kramdown-lists.ts.
 * - Math (math.rb): `$$…$$` is MathJax's `\\[…\\]` or `\\(…\\)`, untouched by Markdown.
 * - Link and image URLs may hold spaces (link.rb), as posts whose assets sit
 *   in folders named like the post do.
 * - Strikethrough (gfm.rb STRIKETHROUGH_MATCH): kramdown-strike.ts.
 */

import type { Lexer, MarkedExtension, Token, Tokens, TokenizerExtension, RendererExtension } from 'marked'
import { escapeHtml } from './html.ts'
import { kramdownList, listInterrupt } from './kramdown-lists.ts'
import { closerAfter, fenceClose, occursAfter, tagEnd } from './block-memo.ts'
import { boundedStart } from './inline-start.ts'
import { Lines, firstLine } from './lines.ts'

// kramdown/parser/html.rb HTML_SPAN_ELEMENTS (+ the raw ones that are also span-level).
const SPAN_ELEMENTS = new Set('a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark option q rb rbc rp rt rtc ruby samp select small span strong sub sup tt u var'.split(' '))
// html.rb HTML_CONTENT_MODEL_BLOCK: with markdown="1" their content is parsed as blocks.
const BLOCK_MODEL = new Set('address applet article aside blockquote body dd details div dl fieldset figure figcaption footer form header hgroup iframe li main map menu nav noscript object section summary td'.split(' '))
// html.rb HTML_CONTENT_MODEL_SPAN: with markdown="1" their content is parsed as spans.
const SPAN_MODEL = new Set('a abbr acronym b bdo big button cite caption del dfn dt em h1 h2 h3 h4 h5 h6 i ins label legend optgroup p q rb rbc rp rt rtc ruby select small span strong sub sup th tt'.split(' '))
// html.rb HTML_BLOCK_ELEMENTS: their tags inside a line of text are text.
const BLOCK_ELEMENTS = new Set('address article aside applet body blockquote caption col colgroup dd div dl dt fieldset figcaption footer form h1 h2 h3 h4 h5 h6 header hgroup hr html head iframe legend menu li main map nav ol optgroup p pre section summary table tbody td th thead tfoot tr ul'.split(' '))
// html.rb HTML_ELEMENTS_WITHOUT_BODY
const VOID = new Set('area base br col command embed hr img input keygen link meta param source track wbr'.split(' '))
// Raw text elements: their end tag is the first one (no nesting inside).
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'pre'])

const START_TAG = /^ {0,3}<([A-Za-z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/
const MARKDOWN_ATTR = /\s+markdown\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i

/** Index just past the end tag matching the element opened before `from`, or -1. */
function matchingEnd(src: string, name: string, from: number): number {
  const re = new RegExp(`<(/?)${name}(?=[\\s/>])[^>]*>`, 'gi')
  re.lastIndex = from
  let depth = 1
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[1]) depth--
    else if (!RAW_TEXT.has(name) && !m[0].endsWith('/>')) depth++
    if (depth === 0) return m.index + m[0].length
  }
  return -1
}

/** An element whose content is read as Markdown (`markdown="1"`, `"block"` or `"span"`). */
interface MarkdownPart {
  open: string
  close: string
  inline: boolean
  tokens: Token[]
}

interface HtmlBlockToken {
  type: 'kramdownHtml'
  raw: string
  /** Raw HTML, and the elements inside it that ask for Markdown. */
  parts: Array<string | MarkdownPart>
}

/** The start tag's `markdown` attribute, lower-cased, or undefined. */
function markdownValue(attributes: string): string | undefined {
  const mode = MARKDOWN_ATTR.exec(attributes)
  return mode ? (mode[1] ?? mode[2] ?? mode[3] ?? '').toLowerCase() : undefined
}

const parsesMarkdown = (value: string | undefined) => value === '1' || value === 'block' || value === 'span'

/** `element` (from its start tag `open` to past its end tag), its content read as Markdown as html.rb's content model says. */
function markdownPart(lexer: Lexer, element: string, open: string, name: string, value: string): MarkdownPart {
  const innerEnd = element.lastIndexOf('<')
  const inner = element.slice(open.length, innerEnd)
  const inline = value === 'span' || (value === '1' && SPAN_MODEL.has(name)) || (value === '1' && !BLOCK_MODEL.has(name) && !SPAN_MODEL.has(name))
  const tokens = inline ? lexer.inline(inner.trim()) : lexer.blockTokens(inner.replace(/^[ \t]*\n/, ''), [])
  return { open: open.replace(MARKDOWN_ATTR, '').trimStart(), close: element.slice(innerEnd), inline, tokens }
}

/**
 * Raw HTML, cut where an element inside it says `markdown=…`: html.rb
 * handle_kramdown_html_tag honours the attribute at any depth of a raw block
 * (a `<td markdown="1">` in a `<table>` holds a fenced code block), and drops it.
 */
function rawParts(lexer: Lexer, raw: string): Array<string | MarkdownPart> {
  const parts: Array<string | MarkdownPart> = []
  // A fresh regex: reading a part's Markdown can come back here.
  const starts = new RegExp(START_TAG.source.replace('^ {0,3}', ''), 'g')
  let last = 0
  for (let m = starts.exec(raw); m; m = starts.exec(raw)) {
    const value = m[3] ? undefined : markdownValue(m[2]!)
    if (value === undefined) continue
    const name = m[1]!.toLowerCase()
    const end = matchingEnd(raw, name, m.index + m[0].length)
    if (end < 0) continue
    parts.push(raw.slice(last, m.index))
    const element = raw.slice(m.index, end)
    parts.push(parsesMarkdown(value) ? markdownPart(lexer, element, m[0], name, value) : element.replace(m[0], m[0].replace(MARKDOWN_ATTR, '')))
    last = starts.lastIndex = end
  }
  parts.push(raw.slice(last))
  return parts
}

const renderPart = (parser: { parse(t: Token[]): string; parseInline(t: Token[]): string }, p: MarkdownPart) =>
  p.inline ? `${p.open}${parser.parseInline(p.tokens)}${p.close}` : `${p.open}\n${parser.parse(p.tokens)}${p.close}`

const htmlBlock: TokenizerExtension & RendererExtension = {
  name: 'kramdownHtml',
  level: 'block',
  tokenizer(src) {
    const m = START_TAG.exec(src)
    if (!m) return undefined
    const name = m[1]!.toLowerCase()
    if (SPAN_ELEMENTS.has(name) || VOID.has(name) || m[3]) return undefined
    const end = tagEnd(this.lexer, src, m[0].length, name, RAW_TEXT.has(name)) ?? matchingEnd(src, name, m[0].length)
    // No end tag: kramdown would run the element to the end of the post; CommonMark's
    // shorter reading (to the next blank line) shows the reader more of it.
    if (end < 0) return undefined
    const after = /^[ \t]*(?:\n|$)/.exec(src.slice(end))
    const raw = src.slice(0, end + (after ? after[0].length : 0))
    const value = markdownValue(m[2]!)
    if (parsesMarkdown(value)) {
      const token: HtmlBlockToken = { type: 'kramdownHtml', raw, parts: [markdownPart(this.lexer, src.slice(0, end), m[0], name, value!), '\n'] }
      return token as unknown as Tokens.Generic
    }
    const text = value !== undefined ? raw.replace(m[0], m[0].replace(MARKDOWN_ATTR, '')) : raw
    if (RAW_TEXT.has(name) || !/\smarkdown\s*=/i.test(text)) return { type: 'html', block: true, pre: RAW_TEXT.has(name), raw, text } as Tokens.HTML
    const token: HtmlBlockToken = { type: 'kramdownHtml', raw, parts: rawParts(this.lexer, text) }
    return token as unknown as Tokens.Generic
  },
  renderer(token) {
    return (token as unknown as HtmlBlockToken).parts.map((p) => (typeof p === 'string' ? p : renderPart(this.parser, p))).join('')
  },
}

/**
 * Whether a blank line (or the start) stands between `last` (the token before)
 * and the block here, as kramdown's after_block_boundary? asks. A paragraph's text never ends
 * in one (marked makes a blank line a space token of its own), and is not read:
 * marked grows a paragraph line by line (a comment below a paragraph line joins
 * it), and reading the grown string, as `/\n[ \t]*\n$/` did, copied it whole
 * at every block, quadratic in the paragraph's length.
 */
function blankBefore(last: Token | undefined): boolean {
  // marked-footnote files its list of notes as the first token, before the first block: no block of the post.
  if (!last || last.type === 'space' || last.type === 'footnotes') return true
  if (last.type === 'paragraph') return false
  return /\n[ \t]*\n$/.test(last.raw)
}

// kramdown/table.rb TABLE_LINE: a pipe that is not escaped, anywhere on the line.
const TABLE_LINE = /^(?:\||.*?[^\\\n]\|)/
const TABLE_SEP_LINE = /^([+|: \t-]*?-[+|: \t-]*?)[ \t]*$/
const TABLE_FOOT_LINE = /^[+|: \t=]*?=[+|: \t=]*?[ \t]*$/
const TABLE_HSEP_ALIGN = /[ \t]?(:?)-+(:?)[ \t]?/g
// Blocks that kramdown tries before tables (its @block_parsers order): a line starting one is never a table row.
const OTHER_BLOCK = /^ {0,3}(?:[*+-][ \t]|\d+[.)][ \t]|>|#|<|`{3}|~{3}|\{:)|^(?: {4}|\t)/
const CODE_SPAN = /(`+)[\s\S]*?[^`]\1(?!`)|(`+)\2(?!`)/g

/** The cells of one row: split on unescaped pipes outside code spans (table.rb's split). */
function splitRow(line: string, leadingPipe: boolean): string[] | undefined {
  const cells: string[] = ['']
  let outsidePipe = false
  let last = 0
  const plain = (s: string) => {
    const parts = s.split(/(?<!\\)\|/)
    if (parts.length > 1) outsidePipe = true
    cells[cells.length - 1] += parts[0]!.replace(/\\\|/g, '|')
    for (const p of parts.slice(1)) cells.push(p.replace(/\\\|/g, '|'))
  }
  for (const m of line.matchAll(CODE_SPAN)) {
    plain(line.slice(last, m.index))
    cells[cells.length - 1] += m[0]
    last = m.index + m[0].length
  }
  plain(line.slice(last))
  if (!outsidePipe) return undefined
  if (leadingPipe && cells[0]!.trim() === '') cells.shift()
  if (cells.length && cells[cells.length - 1]!.trim() === '') cells.pop()
  return cells.map((c) => c.trim())
}

export interface KramdownTableToken extends Tokens.Table {
  /** Header rows beyond the first (kramdown allows several); usually empty. */
  moreHeader: Tokens.TableCell[][]
}

const table: TokenizerExtension = {
  name: 'kramdownTable',
  level: 'block',
  tokenizer(src, tokens) {
    // table.rb after_block_boundary?: first in its container, or after a blank line.
    if (!blankBefore(tokens[tokens.length - 1])) return undefined
    if (!/^ {0,3}\S/.test(src) || OTHER_BLOCK.test(src)) return undefined
    // Only the table's lines are read (lines.ts): marked offers every block to this tokenizer.
    const lines = new Lines(src)
    const leadingPipe = /^\s*\|/.test(firstLine(src))
    let head: string[][] = []
    let body: string[][] = []
    let align: Array<'center' | 'left' | 'right' | null> | undefined
    let consumed = 0
    let columns = 0
    for (let line = lines.peek(); line !== undefined; lines.next(), line = lines.peek()) {
      if (!TABLE_LINE.test(line)) break
      const sep = TABLE_SEP_LINE.exec(line)
      if (sep) {
        if (head.length === 0 && body.length > 0 && !align) {
          ;[head, body] = [body, []]
          align = [...sep[1]!.matchAll(TABLE_HSEP_ALIGN)].map(([, l, r]) => (l && r ? 'center' : r ? 'right' : l ? 'left' : null))
        }
      } else if (!TABLE_FOOT_LINE.test(line)) {
        const cells = splitRow(line, leadingPipe)
        if (!cells) return undefined
        body.push(cells)
        columns = Math.max(columns, cells.length)
      }
      consumed++
    }
    if (consumed === 0 || body.length === 0) return undefined
    // table.rb before_block_boundary?: a blank line, an attribute list or the end must follow.
    const next = lines.peek()
    if (next !== undefined && next.trim() !== '' && !next.trimStart().startsWith('{:')) return undefined
    const raw = lines.raw()
    const aligns = Array.from({ length: columns }, (_, i) => align?.[i] ?? null)
    const cell = (text: string, header: boolean, i: number): Tokens.TableCell => ({ text, tokens: this.lexer.inline(text), header, align: aligns[i] ?? null })
    const row = (cells: string[], header: boolean) => Array.from({ length: columns }, (_, i) => cell(cells[i] ?? '', header, i))
    const [first, ...more] = head.map((r) => row(r, true))
    const token: KramdownTableToken = { type: 'table', raw, align: aligns, header: first ?? [], moreHeader: more, rows: body.map((r) => row(r, false)) }
    return token as Tokens.Generic
  },
}

// kramdown/link.rb: an inline link's URL runs to its `)`, spaces and all (`![](/assets/My Post.md/a.png)`);
// CommonMark stops at the first space and shows the Markdown. Only such URLs are taken here.
// A `[` in the text opens a nested link or nothing: were it also a plain character, a line of
// unclosed `[a ![b` would backtrack through every split (cubic; 1,000 of them took 15 s).
const SPACED_LINK = /^(!?)\[((?:!?\[[^[\]\n]*\]\([^)\n]*\)|\\.|[^[\]\n])*)\]\(([^()\n"']*?[ \t][^()\n"']*?)(?:[ \t]+(["'])([^\n]*?)\4)?[ \t]*\)/

const spacedLink: TokenizerExtension = {
  name: 'spacedLink',
  level: 'inline',
  start: boundedStart((src) => src.search(/!?\[/)),
  tokenizer(src) {
    const m = SPACED_LINK.exec(src)
    if (!m) return undefined
    const href = m[3]!.trim()
    if (!/\s/.test(href) || /^<.*>$/.test(href)) return undefined
    const title = m[5] ?? null
    if (m[1]) return { type: 'image', raw: m[0], href, title, text: m[2]!, tokens: this.lexer.inlineTokens(m[2]!) }
    return { type: 'link', raw: m[0], href, title, text: m[2]!, tokens: this.lexer.inlineTokens(m[2]!) }
  },
}

// kramdown/math.rb with the default MathJax engine: `$$…$$` standing alone between blank lines is
// display math, `\[…\]`; inside text it is inline math, `\(…\)`. Either way no Markdown applies
// inside, so `x_1` and `a*b` reach MathJax intact. One `$` is text.
const BLOCK_MATH = /^ {0,3}\$\$([\s\S]*?)\$\$[ \t]*(?:\n|$)/
const BLOCK_MATH_OPEN = /^ {0,3}\$\$/
const BLOCK_MATH_CLOSE = /\$\$[ \t]*(?:\n|(?![\s\S]))/g

interface MathToken {
  type: 'kramdownMath'
  raw: string
  display: boolean
  math: string
}

const math: TokenizerExtension & RendererExtension = {
  name: 'kramdownMath',
  level: 'block',
  tokenizer(src, tokens) {
    if (!blankBefore(tokens[tokens.length - 1])) return undefined
    const open = BLOCK_MATH_OPEN.exec(src)
    if (!open) return undefined
    // The closing `$$` from the document's index of them (block-memo.ts), else searched here.
    const indexed = closerAfter(this.lexer, src, open[0].length, 'math', BLOCK_MATH_CLOSE)
    const m = indexed === undefined ? BLOCK_MATH.exec(src) : indexed && ([src.slice(0, indexed.index + indexed.length), src.slice(open[0].length, indexed.index)] as const)
    if (!m) return undefined
    const next = firstLine(src.slice(m[0].length))
    if (src.length > m[0].length && next.trim() !== '' && !next.trimStart().startsWith('{:')) return undefined
    const token: MathToken = { type: 'kramdownMath', raw: m[0], display: true, math: m[1]!.trim() }
    return token as unknown as Tokens.Generic
  },
  renderer(token) {
    const t = token as unknown as MathToken
    return t.display ? `\\[${escapeHtml(t.math)}\\]\n` : `\\(${escapeHtml(t.math)}\\)`
  },
}

const inlineMath: TokenizerExtension = {
  name: 'kramdownMath',
  level: 'inline',
  start: boundedStart((src) => src.indexOf('$$')),
  tokenizer(src) {
    const m = /^\$\$([\s\S]*?)\$\$/.exec(src)
    if (!m) return undefined
    const token: MathToken = { type: 'kramdownMath', raw: m[0], display: false, math: m[1]!.trim() }
    return token as unknown as Tokens.Generic
  },
}

// kramdown/parser/kramdown/extensions.rb: `{::nomarkdown}…{:/}` in a line of text puts out what
// stands between as written (the way to put a list into a table cell). Its closer `{:/}` has been
// parked by ial.ts (`{:` U+E002, the hex of `/…`, U+E003 `}`) before marked reads the text.
const NOMARKDOWN_SPAN = /^\{::nomarkdown[ \t]*\}([\s\S]*?)\{:(?:\uE002002f(?:[0-9a-f]{4})*\uE003|\/[a-z]*)\}/

const nomarkdownSpan: TokenizerExtension = {
  name: 'kramdownNomarkdown',
  level: 'inline',
  start: boundedStart((src) => src.indexOf('{::nomarkdown')),
  tokenizer(src) {
    const m = NOMARKDOWN_SPAN.exec(src)
    return m ? ({ type: 'html', raw: m[0], text: m[1]!, inLink: false, inRawBlock: false, block: false } as Tokens.Tag) : undefined
  },
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^\n]*)(?:\n|$)/

/** The first line of `rest` closing `fence` (gfm.rb: the same character, at least as many). */
function closeIn(rest: string, fence: string): { index: number; length: number } | null {
  const m = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`, 'm').exec(rest)
  return m ? { index: m.index, length: m[0].length } : null
}
// paragraph.rb LAZY_END: where a blockquote's (or paragraph's) lazy lines stop.
const HTML_START_OR_STOP = /^ {0,3}<\/?([A-Za-z][\w:-]*)/
function lazyEnd(line: string): boolean {
  if (line.trim() === '' || /^ {0,3}\{:/.test(line) || /^\^\s*$/.test(line)) return true
  const html = HTML_START_OR_STOP.exec(line)
  return !!html && !SPAN_ELEMENTS.has(html[1]!.toLowerCase()) && html[1]!.toLowerCase() !== 'script'
}

// html.rb parse_block_html: HTML_COMMENT_RE is scanned right at the line start, then only
// TRAILING_WHITESPACE (which needs the newline), so what follows the comment on its line
// starts the next block.
const COMMENT_THEN_TEXT = /^<!--[\s\S]*?-->(?=[ \t]*[^\s])/
const COMMENT_LINE = /^<!--[^\n]*?-->(?=[ \t]*[^\s])/

// Paragraphs a comment joined: marked grows the same token, whose last line is then no attribute list.
const joined = new WeakSet<Token>()

/**
 * Whether a comment line below `paragraph` is text of it: not when its last line
 * is an attribute list (`{: .mt-4 }`, a block of its own in kramdown, which marked
 * reads as a paragraph line until ial.ts splits it off). A paragraph a comment
 * already joined is not read again: reading the string marked grows would copy it
 * at every line.
 */
function joinsParagraph(paragraph: Token): boolean {
  if (joined.has(paragraph)) return true
  const raw = paragraph.raw.trimEnd()
  return !/^ {0,3}\{:/.test(raw.slice(raw.lastIndexOf('\n') + 1))
}

/**
 * A comment as kramdown reads it, where CommonMark's comment block takes the
 * whole line and interrupts paragraphs: a comment with more on its last line
 * (`<!-- {% raw %} -->```liquid`) is an HTML block of the comment alone, and the
 * rest is read as a block of its own (a fence, a paragraph with `**bold**`); a
 * comment right below a paragraph line, or after a space, is text of a paragraph
 * (paragraph.rb LAZY_END has no comment; the scan needs `<` first). Returns
 * undefined for a paragraph, false where marked's own reading holds.
 */
function commentBlock(src: string, after: Token | undefined): Tokens.HTML | undefined | false {
  if (!/^ {0,3}<!--/.test(src)) return false
  if (!src.startsWith('<') || (after?.type === 'paragraph' && joinsParagraph(after))) {
    if (after) joined.add(after)
    return undefined
  }
  // One line first: a search to a later `-->` runs only when this line has none.
  const line = firstLine(src)
  const m = line.includes('-->') ? COMMENT_LINE.exec(line) : COMMENT_THEN_TEXT.exec(src)
  if (!m) return false
  return { type: 'html', block: true, pre: false, raw: m[0], text: `${m[0]}\n` }
}

export const kramdownBlocks: MarkedExtension = {
  extensions: [htmlBlock, table, math, inlineMath, spacedLink, nomarkdownSpan, listInterrupt],
  tokenizer: {
    list(src) {
      return kramdownList.call(this, src)
    },
    // blockquote.rb: from a `>` line to the next blank line (or LAZY_END), every line in it,
    // with or without its `>`: `> - a` then `- b` is one quoted list.
    blockquote(src) {
      if (!/^ {0,3}>/.test(src)) return false
      const lines = new Lines(src)
      lines.next()
      for (let line = lines.peek(); line !== undefined && !lazyEnd(line); line = lines.peek()) lines.next()
      const raw = lines.raw()
      const text = raw.replace(/^ {0,3}> ?/gm, '')
      const top = this.lexer.state.top
      this.lexer.state.top = true
      const tokens = this.lexer.blockTokens(text, [])
      this.lexer.state.top = top
      return { type: 'blockquote', raw, text, tokens }
    },
    fences(src) {
      const m = FENCE_OPEN.exec(src)
      if (!m) return false
      const [whole, fence, info] = m as unknown as [string, string, string]
      // One word of info (kramdown's `lang` or `lang?opts`); `linenos` is what liquid.ts adds for {% highlight %}.
      if (!/^[ \t]*(?:\S+(?:[ \t]+linenos)?)?[ \t]*$/.test(info)) return undefined
      const rest = src.slice(whole.length)
      // The closer from the document's index of them (block-memo.ts), else searched here.
      const indexed = fenceClose(this.lexer, src, whole.length, fence[0]!, fence.length)
      const end = indexed === undefined ? closeIn(rest, fence) : indexed
      if (!end) return undefined
      if (!/^ /.test(whole)) return false
      // An indented fence: kramdown keeps its lines' indentation, where CommonMark strips the fence's.
      const raw = whole + rest.slice(0, end.index + end.length) + (rest[end.index + end.length] === '\n' ? '\n' : '')
      return { type: 'code', raw, lang: info.trim(), text: rest.slice(0, end.index).replace(/\n$/, '') }
    },
    // kramdown-parser-gfm's ATX_HEADER_START wants `[\t ]+` after the `#`s; marked takes any white
    // space (`\s`), so `##\u3000見出し` (an ideographic space, typed in Japanese) is a heading there
    // and a paragraph in Jekyll.
    heading(src) {
      return /^ {0,3}#{1,6}[^\S\t \n]/.test(src) ? undefined : false
    },
    // The GFM table is replaced by kramdown's (above); marked's would split `a | b` in code.
    table() {
      return undefined
    },
    html(src) {
      const comment = commentBlock(src, this.lexer.state.lastToken)
      if (comment !== false) return comment
      // A span element starts a paragraph in kramdown (html.rb parse_block_html), never an HTML block.
      const m = /^ {0,3}<\/?([A-Za-z][\w-]*)/.exec(src)
      return m && SPAN_ELEMENTS.has(m[1]!.toLowerCase()) ? undefined : false
    },
    // html.rb parse_span_html: in a line of text, a block element's tag (`<ul>`, `</div>`, `<pre>`)
    // is text, shown as written (kramdown warns "Found block HTML tag … in span-level text").
    tag(src) {
      // marked's comment rule searches the rest of the text for `-->` at every `<!--`: with
      // none left (a post of unclosed `<!--` lines) it fails, as it would from here; no tag.
      if (src.startsWith('<!--') && occursAfter(this.lexer, src, 2, '-->') === false) return undefined
      const name = /^<\/?([A-Za-z][\w-]*)/.exec(src)?.[1]
      if (!name || !BLOCK_ELEMENTS.has(name.toLowerCase())) return false
      const tag = this.rules.inline.tag.exec(src)
      return tag ? ({ type: 'text', raw: tag[0], text: escapeHtml(tag[0]), escaped: true } as unknown as Tokens.Tag) : false
    },
  },
}

// CJK letters and full-width punctuation: GFM's autolink runs to the next space, which in
// Chinese prose is often the end of the sentence (`见 https://a.example/x，然后…`).
const CJK_CHAR = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/

/** Ends each bare-URL link before its first CJK character; the rest is text again. In place. */
export function trimCjkAutolinks(tokens: Token[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token & { tokens?: Token[]; items?: Array<{ tokens: Token[] }>; header?: Array<{ tokens: Token[] }>; rows?: Array<Array<{ tokens: Token[] }>> }
    if (t.type === 'link' && t.raw === (t as Tokens.Link).text) {
      const link = t as Tokens.Link
      const cut = link.text.search(CJK_CHAR)
      if (cut > 0) {
        const url = link.text.slice(0, cut)
        const rest = link.text.slice(cut)
        tokens.splice(i, 1, { ...link, raw: url, text: url, href: url, tokens: [{ type: 'text', raw: url, text: url }] }, { type: 'text', raw: rest, text: rest })
        i++
        continue
      }
    }
    if (t.tokens) trimCjkAutolinks(t.tokens)
    for (const item of t.items ?? []) trimCjkAutolinks(item.tokens ?? [])
    for (const cell of [...(t.header ?? []), ...(t.rows ?? []).flat()]) trimCjkAutolinks(cell.tokens)
  }
}

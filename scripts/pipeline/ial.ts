/**
 * kramdown's inline attribute lists (IALs), as Jekyll/Chirpy posts use them:
 *
 *   > A tip.                         ![x](a.png){: w="700" .shadow }
 *   {: .prompt-tip }                 [site](https://a.example){:target="_blank"}
 *
 * A block IAL on the line after a block (or alone, before one) applies to that
 * block; a span IAL right after an inline element applies to that element;
 * `## Title {#id}` sets a heading's id. Reference: kramdown syntax, "Inline
 * Attribute Lists" (kramdown.gettalong.org/syntax.html#inline-attribute-lists).
 *
 * This runs on marked's token tree (the `processAllTokens` hook): it strips the
 * IAL text and wraps the target token in an `ialBlock`/`ialSpan` token whose
 * renderer adds the attributes to the target's first HTML tag. Whatever IAL text
 * is still left (one that has no element to apply to) is removed, so `{:` never
 * reaches a reader.
 */

import type { Token, Tokens } from 'marked'
import { decodeEntities, escapeHtml } from './html.ts'

export interface Ial {
  id?: string
  classes: string[]
  attrs: Array<[string, string]>
}

export interface IalToken {
  type: 'ialBlock' | 'ialSpan'
  raw: string
  ial: Ial
  tokens: [Token]
}

// `{` is not part of a list outside quotes (kramdown allows it, no real post has it): an unclosed
// `{:` then ends at the next `{`, so `{: {: {: …` over a long line is linear, not quadratic.
// kramdown's list runs to the first `}` (ALD_ANY_CHARS), quoted or not, and drops a part it cannot
// read: `{:target="_blank" rel="x}` is target alone. So a quoted value holds no `}`, and a quote with
// no partner before the `}` is a plain character; only such a quote may be read so, which leaves each
// quote one reading (no backtracking between the two).
const IAL_BODY = String.raw`\{:(?!:)((?:[^{}"'\n]|"[^"}\n]*"|'[^'}\n]*'|"(?![^"}\n]*")|'(?![^'}\n]*'))*)\}`
const ONLY_IALS = new RegExp(`^\\s*(?:${IAL_BODY}\\s*)+$`)
const TRAILING = new RegExp(`\\n[ \\t]*((?:${IAL_BODY}[ \\t]*)+)$`)
const LEADING_LINE = new RegExp(`^[ \\t]*((?:${IAL_BODY}[ \\t]*)+)\\n`)
const LEADING_SPAN = new RegExp(`^${IAL_BODY}`)
const MIDDLE = new RegExp(`\\n[ \\t]*((?:${IAL_BODY}[ \\t]*)+)\\n`)
const ANY = new RegExp(`${IAL_BODY}|\\{::[^}\\n]*\\}`, 'g')
const HEADER_ID = /[ \t]+\{#([\w:.-][^}\s]*)\}[ \t]*$/
const PART = /\.([^\s.#"'=]+)|#([^\s.#"'=]+)|([\w:-]+)=(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g

// Attribute lists are parked as `{:\uE002<hex>\uE003}` before marked runs, so that
// `*`, `_` or `<` inside one can never start emphasis or HTML and split it apart.
// The placeholder carries the list itself (each UTF-16 unit as four hex digits,
// which marked never reads as syntax), so parking keeps no state between
// documents and the renderer stays reentrant.
const PARK_OPEN = '\uE002'
const PARK_CLOSE = '\uE003'
const PARKED = new RegExp(`${PARK_OPEN}((?:[0-9a-f]{4})*)${PARK_CLOSE}`, 'g')

const FENCE = /^ {0,3}(`{3,}|~{3,})/
const CODE_SPAN = /(`+)[\s\S]*?\1/g
const SOURCE_IAL = new RegExp(IAL_BODY, 'g')

const LIST_MARKER = /^( *)([*+-]|\d+[.)])( +|$)/

/**
 * The content indents of the list items a line is inside, for telling an indented code
 * block from an item's paragraph: under `- a`, a line indented four spaces is the item's
 * text (its content starts at column 2), and only one indented 2 + 4 is code.
 */
class ListIndents {
  private stack: number[] = []

  /** The column the line's block starts from: its item's content indent, or 0. */
  base(line: string): number {
    if (line.trim() === '') return this.stack[this.stack.length - 1] ?? 0
    const indent = /^ */.exec(line)![0].length
    while (this.stack.length && this.stack[this.stack.length - 1]! > indent) this.stack.pop()
    const base = this.stack[this.stack.length - 1] ?? 0
    const m = LIST_MARKER.exec(line)
    // kramdown: content starts after the marker and its spaces, or one space after when more follow (code).
    if (m && indent - base < 4) this.stack.push(indent + m[2]!.length + (m[3]!.length > 4 || !m[3] ? 1 : m[3]!.length))
    return base
  }
}

/** Parks every attribute list outside code; returns the text for marked. */
export function parkIals(source: string): string {
  if (!source.includes('{:')) return source
  let fence: string | undefined
  const lists = new ListIndents()
  let base = 0
  return source
    .split('\n')
    .map((line) => {
      // Inside a fence the base stays the fence's: its lines are code, not list markers.
      if (!fence) base = lists.base(line)
      const open = FENCE.exec(line.slice(Math.min(base, /^ */.exec(line)![0].length)))?.[1]
      if (fence) {
        if (open && open[0] === fence[0] && open.length >= fence.length && line.trim() === open) fence = undefined
        return line
      }
      if (open) {
        fence = open
        return line
      }
      if (new RegExp(`^( {${base + 4}}|\\t)`).test(line) || !line.includes('{:')) return line
      // Only the parts between inline code spans.
      let out = ''
      let last = 0
      for (const m of line.matchAll(CODE_SPAN)) {
        out += park(line.slice(last, m.index)) + m[0]
        last = m.index + m[0].length
      }
      return out + park(line.slice(last))
    })
    .join('\n')
}

function park(text: string): string {
  return text.replace(SOURCE_IAL, (_, body: string) => `{:${PARK_OPEN}${hex(body)}${PARK_CLOSE}}`)
}

const hex = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('')
// A loop, not String.fromCharCode(...units): a long list would overflow the stack as arguments.
const unhex = (h: string) => {
  let out = ''
  for (let i = 0; i + 4 <= h.length; i += 4) out += String.fromCharCode(parseInt(h.slice(i, i + 4), 16))
  return out
}

/** Puts parked lists back (for HTML blocks and code, where they are left as written). */
export function unparkIals(html: string): string {
  return html.includes(PARK_OPEN) ? html.replace(PARKED, (_, h: string) => unhex(h)) : html
}

/** Parses the inside of one or more `{: … }` lists into one attribute set. */
export function parseIal(text: string): Ial {
  const ial: Ial = { classes: [], attrs: [] }
  for (const body of unparkIals(text).matchAll(new RegExp(IAL_BODY, 'g'))) {
    for (const m of body[1]!.matchAll(PART)) {
      if (m[1]) ial.classes.push(m[1])
      else if (m[2]) ial.id = m[2]
      else if (m[3]) ial.attrs.push([m[3], m[4] ?? m[5] ?? m[6] ?? ''])
    }
  }
  return ial
}

/**
 * `b` added to `a`, in place: each `a` is a fresh parseIal result that only its block holds,
 * and a copy at every list of a run of thousands (`{: .c}` line after line) is quadratic.
 */
function merge(a: Ial, b: Ial): Ial {
  if (b.id !== undefined) a.id = b.id
  for (const c of b.classes) a.classes.push(c)
  for (const attr of b.attrs) a.attrs.push(attr)
  return a
}

const OPEN_TAG = /^(\s*)<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/
const ATTR = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g

/** Adds the attributes to the first tag of `html`: classes appended, others replaced. */
export function applyIal(html: string, ial: Ial, tagAliases: Record<string, string> = {}): string {
  const m = OPEN_TAG.exec(html)
  if (!m) return html
  const attrs = new Map<string, string>()
  for (const a of m[3]!.matchAll(ATTR)) attrs.set(a[1]!, a[2] ?? a[3] ?? a[4] ?? '')
  if (ial.id) attrs.set('id', ial.id)
  if (ial.classes.length) {
    const classes = [...(attrs.get('class')?.split(/\s+/).filter(Boolean) ?? []), ...ial.classes]
    attrs.set('class', [...new Set(classes)].join(' '))
  }
  for (const [name, value] of ial.attrs) attrs.set(tagAliases[name] ?? name, value)
  // Values read back from rendered HTML are escaped; decode all so each is escaped once.
  const rendered = [...attrs].map(([k, v]) => ` ${k}="${escapeHtml(decodeEntities(v))}"`).join('')
  return `${m[1]}<${m[2]}${rendered}${m[4] ? ' /' : ''}>${html.slice(m[0].length)}`
}

function wrap(type: IalToken['type'], token: Token, ial: Ial): Token {
  if (token.type === type) {
    const t = token as unknown as IalToken
    t.ial = merge(t.ial, ial)
    return token
  }
  if (token.type === 'heading' && ial.id) {
    ;(token as Tokens.Heading & { customId?: string }).customId = ial.id
    ial = { ...ial, id: undefined }
    if (!ial.classes.length && !ial.attrs.length) return token
  }
  return { type, raw: token.raw, ial, tokens: [token] } as unknown as Token
}

/** Strips a trailing `\n{: … }` line from a paragraph's (or text block's) inline tokens. */
function takeTrailing(token: Token | undefined): Ial | undefined {
  if (!token || (token.type !== 'paragraph' && token.type !== 'text')) return undefined
  const t = token as Tokens.Paragraph
  const last = t.tokens?.[t.tokens.length - 1]
  if (!last || last.type !== 'text') return undefined
  const m = TRAILING.exec((last as Tokens.Text).text)
  if (!m) return undefined
  const lastText = last as Tokens.Text
  lastText.text = lastText.text.slice(0, m.index)
  lastText.raw = lastText.raw.replace(TRAILING, '')
  t.text = t.text.replace(TRAILING, '')
  return parseIal(m[1]!)
}

/** Strips a leading `{: … }\n` line (an IAL written before its paragraph). */
function takeLeading(token: Token): Ial | undefined {
  const t = token as Tokens.Paragraph
  const first = t.tokens?.[0]
  if (token.type !== 'paragraph' || !first || first.type !== 'text') return undefined
  const m = LEADING_LINE.exec((first as Tokens.Text).text)
  if (!m) return undefined
  const firstText = first as Tokens.Text
  firstText.text = firstText.text.slice(m[0].length)
  firstText.raw = firstText.raw.replace(LEADING_LINE, '')
  t.text = t.text.replace(LEADING_LINE, '')
  return parseIal(m[1]!)
}

function isOnlyIal(token: Token): boolean {
  return token.type === 'paragraph' && ONLY_IALS.test((token as Tokens.Paragraph).text)
}

/** The IAL a block's last line carries for the whole container (blockquote, list). */
function takeContainerIal(token: Token): Ial | undefined {
  if (token.type === 'blockquote') {
    const children = (token as Tokens.Blockquote).tokens
    return takeTrailing(children[children.length - 1])
  }
  if (token.type === 'list') {
    const items = (token as Tokens.List).items
    // An indented last line is the item's own (`{: .nolineno}` under a fence in the item), for
    // processChildren to give to the block before it; only a lazy line at the list's margin is the list's.
    const lines = items[items.length - 1]?.raw.trimEnd().split('\n') ?? []
    if (lines.length > 1 && /^[ \t]/.test(lines[lines.length - 1]!)) return undefined
    const children = items[items.length - 1]?.tokens ?? []
    return takeTrailing(children[children.length - 1])
  }
  if (token.type === 'table') {
    const t = token as Tokens.Table
    const row = t.rows[t.rows.length - 1]
    if (row && ONLY_IALS.test(row[0]?.text ?? '') && row.slice(1).every((c) => c.text.trim() === '')) {
      t.rows.pop()
      return parseIal(row[0]!.text)
    }
  }
  return undefined
}

function processInline(tokens: Token[]): Token[] {
  const out: Token[] = []
  for (const token of tokens) {
    if ('tokens' in token && Array.isArray(token.tokens)) token.tokens = processInline(token.tokens)
    if (token.type === 'text') {
      const t = token as Tokens.Text
      const prev = out[out.length - 1]
      // `{: width="600" }{: .shadow }`: each list in a row applies to the same element.
      for (let m = LEADING_SPAN.exec(t.text); m && prev && prev.type !== 'text' && prev.type !== 'br'; m = LEADING_SPAN.exec(t.text)) {
        out[out.length - 1] = wrap('ialSpan', out[out.length - 1]!, parseIal(m[0]))
        t.text = t.text.slice(m[0].length)
        t.raw = t.raw.replace(LEADING_SPAN, '')
      }
      // Nothing left to apply a stray list to: drop it rather than print it.
      if (t.text.includes('{:')) {
        t.text = t.text.replace(ANY, '')
        t.raw = t.raw.replace(ANY, '')
      }
      if (t.text === '' && !t.tokens?.length) continue
    }
    out.push(token)
  }
  return out
}

/**
 * A paragraph with an attribute-list line inside it is two paragraphs in
 * kramdown: the list's line ends the block before it (kramdown's IAL is a block
 * of its own). Returns the first part, keeping the list as its last line, and the rest.
 */
function splitAtIal(token: Token): [Token, Token] | undefined {
  if (token.type !== 'paragraph') return undefined
  const p = token as Tokens.Paragraph
  const k = p.tokens.findIndex((t) => t.type === 'text' && MIDDLE.test((t as Tokens.Text).text))
  if (k < 0) return undefined
  const t = p.tokens[k] as Tokens.Text
  const m = MIDDLE.exec(t.text)!
  const head = t.text.slice(0, m.index + m[0].length - 1)
  const tail = t.text.slice(m.index + m[0].length)
  const text = (s: string): Tokens.Text => ({ type: 'text', raw: s, text: s })
  const first = [...p.tokens.slice(0, k), text(head)]
  const rest = [text(tail), ...p.tokens.slice(k + 1)].filter((x) => x.type !== 'text' || (x as Tokens.Text).text !== '')
  const para = (tokens: Token[]): Tokens.Paragraph => {
    const raw = tokens.map((x) => x.raw).join('')
    return { type: 'paragraph', raw, text: raw, tokens }
  }
  return [para(first), para(rest)]
}

/** Applies every IAL in a list of block tokens (recursively); returns the new list. */
export function processBlocks(tokens: Token[]): Token[] {
  const out: Token[] = []
  let pending: Ial | undefined // an IAL standing before its block
  tokens = [...tokens]
  for (let i = 0; i < tokens.length; i++) {
    const split = splitAtIal(tokens[i]!)
    if (split) tokens.splice(i, 1, ...split)
    let token = tokens[i]!
    if (isOnlyIal(token)) {
      const ial = parseIal((token as Tokens.Paragraph).text)
      const prev = out[out.length - 1]
      // kramdown: a list right after a block is that block's; after a blank line (which marked
      // may keep in the block's own raw, as it does for lists) it waits for the next block.
      const blank = tokens[i - 1]?.type === 'space' || /\n[ \t]*\n$/.test(tokens[i - 1]?.raw ?? '')
      if (prev && prev.type !== 'space' && !blank) out[out.length - 1] = wrap('ialBlock', prev, ial)
      else pending = pending ? merge(pending, ial) : ial
      continue
    }
    if (token.type === 'heading') {
      const h = token as Tokens.Heading & { customId?: string }
      const m = HEADER_ID.exec(h.text)
      const last = h.tokens[h.tokens.length - 1] as Tokens.Text | undefined
      if (m && last?.type === 'text' && HEADER_ID.test(last.text)) {
        h.customId = m[1]
        h.text = h.text.replace(HEADER_ID, '')
        last.text = last.text.replace(HEADER_ID, '')
        last.raw = last.raw.replace(HEADER_ID, '')
      }
    }
    const before = takeLeading(token)
    if (before) pending = pending ? merge(pending, before) : before
    const own = token.type === 'paragraph' ? takeTrailing(token) : takeContainerIal(token)
    if (token.type === 'paragraph') trimStart(token as Tokens.Paragraph)
    processChildren(token)
    if (token.type !== 'space' && pending) {
      token = wrap('ialBlock', token, pending)
      pending = undefined
    }
    if (own) token = wrap('ialBlock', token, own)
    out.push(token)
  }
  return out
}

/**
 * kramdown strips a paragraph's leading white space (parser/kramdown/paragraph.rb: `result.lstrip!`);
 * marked keeps what is left of a list item's paragraph indented past the item's content (`<p>  b`).
 */
function trimStart(p: Tokens.Paragraph): void {
  const first = p.tokens?.[0]
  if (first?.type !== 'text' || !/^[ \t]/.test((first as Tokens.Text).text)) return
  const t = first as Tokens.Text
  t.text = t.text.replace(/^[ \t]+/, '')
  t.raw = t.raw.replace(/^[ \t]+/, '')
  p.text = p.text.replace(/^[ \t]+/, '')
}

function processChildren(token: Token): void {
  if (token.type === 'blockquote') {
    const t = token as Tokens.Blockquote
    t.tokens = processBlocks(t.tokens)
  } else if (token.type === 'list') {
    for (const item of (token as Tokens.List).items) item.tokens = processBlocks(item.tokens)
  } else if (token.type === 'table') {
    const t = token as Tokens.Table
    for (const cell of [...t.header, ...t.rows.flat()]) cell.tokens = processInline(cell.tokens)
  } else if ((token.type === 'paragraph' || token.type === 'heading' || token.type === 'text') && 'tokens' in token && token.tokens) {
    token.tokens = processInline(token.tokens)
  } else if ('tokens' in token && Array.isArray(token.tokens)) {
    token.tokens = processBlocks(token.tokens)
  }
}

/**
 * Build-time rewrite of relative URLs in post HTML to absolute ones, for feed
 * content. A feed reader shows an entry's HTML away from the post's page, so a
 * relative `href`/`src` would resolve against the reader (JSON Feed 1.1 gives
 * content no base URL; RSS 2.0 neither; Atom's xml:base is not honoured by
 * every reader). Done once here rather than per request: see EntryRecord.
 *
 * parse5 (the WHATWG HTML parser jsdom uses) finds the attributes, so raw
 * HTML, <script> text and code blocks are told apart as a browser would; only
 * the attribute spans it reports are rewritten, the rest of the HTML is kept
 * byte for byte. Parsing every post was the costliest step of a cold build,
 * so parse5 runs only where it must: post HTML is nearly always simple
 * (simple-html.ts), and its tokens alone give the same edits; of the rest,
 * a scan of the text tells most that have nothing to rewrite
 * (mayHaveRelativeUrl). The test "parses only where parse5 would rewrite
 * otherwise" holds both to parse5's answer.
 */

import { parseFragment } from 'parse5'
import type { DefaultTreeAdapterMap } from 'parse5'
import { simpleStartTags } from './simple-html.ts'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']

/** Attributes holding one URL (HTML Living Standard, "URL-valued" attributes). */
const URL_ATTRS = new Set(['href', 'src', 'poster', 'cite', 'data', 'action', 'formaction', 'background', 'longdesc'])
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i

function resolve(value: string, base: string): string {
  const trimmed = value.trim()
  if (trimmed === '' || HAS_SCHEME.test(trimmed)) return value
  try {
    return new URL(trimmed, base).href
  } catch {
    return value
  }
}

/** srcset: comma-separated "url [descriptor]" candidates (HTML §4.8.4.3.1). */
function resolveSrcset(value: string, base: string): string {
  return value
    .split(',')
    .map((candidate) => {
      const m = /^(\s*)(\S+)(.*)$/s.exec(candidate)
      return m ? `${m[1]}${resolve(m[2]!, base)}${m[3]}` : candidate
    })
    .join(',')
}

export const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** A replacement of the source span [start, end). */
export interface Edit {
  start: number
  end: number
  text: string
}

/** The HTML with each edit applied (overlapping ones after the first dropped), the rest byte for byte. */
export function applyEdits(html: string, edits: Edit[]): string {
  if (edits.length === 0) return html
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  let out = ''
  let at = 0
  for (const edit of sorted) {
    if (edit.start < at) continue
    out += html.slice(at, edit.start) + edit.text
    at = edit.end
  }
  return out + html.slice(at)
}

function collect(node: Node, base: string, edits: Edit[]): void {
  const element = node as Element
  if (element.attrs && element.sourceCodeLocation?.attrs) {
    for (const attr of element.attrs) {
      const name = attr.name.toLowerCase()
      const loc = element.sourceCodeLocation.attrs[attr.name]
      if (!loc || (!URL_ATTRS.has(name) && name !== 'srcset')) continue
      const next = name === 'srcset' ? resolveSrcset(attr.value, base) : resolve(attr.value, base)
      if (next !== attr.value) edits.push({ start: loc.startOffset, end: loc.endOffset, text: `${attr.name}="${escapeAttr(next)}"` })
    }
  }
  const template = (node as DefaultTreeAdapterMap['template']).content
  for (const child of template?.childNodes ?? []) collect(child, base, edits)
  for (const child of (node as Element).childNodes ?? []) collect(child, base, edits)
}

const changes = (name: string, value: string, base: string) =>
  /[&\r\0]/.test(value) || (name === 'srcset' ? resolveSrcset(value, base) : resolve(value, base)) !== value

/**
 * Whether parse5 could report an attribute that `collect` would rewrite. Every
 * attribute the HTML tokenizer makes is source text `name[ws]*=[ws]*value`
 * (HTML §13.2.5.32–38), so trying each place where a URL attribute's name
 * occurs (overlapping, so a quoted value cannot hide a later name) and reading
 * the value as the tokenizer would finds all of them, and more (names inside
 * other names, text, comments). A value the tokenizer would change (a
 * character reference, CR, NUL) counts as rewritten. An unterminated quote
 * ends the input inside a tag, which the tokenizer drops, so it is no
 * attribute. "No" is therefore exact: parse5 would make no edit.
 */
function mayHaveRelativeUrl(html: string, base: string): boolean {
  const at = /(srcset|src|href|poster|cite|data|action|formaction|background|longdesc)[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >"'][^\t\n\f\r >]*))?/giy
  const names = /srcset|src|href|poster|cite|data|action|formaction|background|longdesc/gi
  for (let m = names.exec(html); m; m = names.exec(html)) {
    at.lastIndex = m.index
    const attr = at.exec(html)
    names.lastIndex = m.index + 1
    if (!attr) continue
    const value = attr[2] ?? attr[3] ?? attr[4]
    if (value !== undefined && changes(attr[1]!.toLowerCase(), value, base)) return true
  }
  return false
}

/**
 * Elements the tree builder always inserts with their attributes when the
 * HTML is simple (simple-html.ts): in the body, table, row, cell and caption
 * insertion modes alike (§13.2.6.4.7, "any other start tag" and the void
 * elements' entries). A URL to rewrite on another element sends the HTML to parse5.
 */
const URL_ELEMENTS = new Set(['a', 'area', 'audio', 'blockquote', 'del', 'embed', 'img', 'ins', 'q', 'source', 'track', 'video'])

/**
 * The edits parse5 and `collect` would make, from the tokens of simple HTML
 * alone; undefined when only parsing can tell. A value with a character
 * reference could mean another URL once decoded, unless it has a scheme
 * before the first `&` (then the decoded value has it too and is kept).
 */
function simpleEdits(html: string, base: string): Edit[] | undefined {
  const tags = simpleStartTags(html)
  if (!tags) return undefined
  const edits: Edit[] = []
  for (const tag of tags) {
    for (const { name, value, start, end } of tag.attrs) {
      if (!URL_ATTRS.has(name) && name !== 'srcset') continue
      if (value.includes('&') && (name === 'srcset' || !HAS_SCHEME.test(value.trim()))) return undefined
      const next = name === 'srcset' ? resolveSrcset(value, base) : resolve(value, base)
      if (next === value) continue
      if (!URL_ELEMENTS.has(tag.name)) return undefined
      edits.push({ start, end, text: `${name}="${escapeAttr(next)}"` })
    }
  }
  return edits
}

/** The HTML with every relative URL attribute resolved against `base` (an absolute URL). */
export function absoluteUrls(html: string, base: string): string {
  return applyEdits(html, absoluteUrlEdits(html, base))
}

/**
 * The edits absoluteUrls applies: what the render cache keeps for a post's
 * feed copy (a few URLs, where the copy itself would be the post's HTML again).
 */
export function absoluteUrlEdits(html: string, base: string): Edit[] {
  return simpleEdits(html, base) ?? (mayHaveRelativeUrl(html, base) ? parsedEdits(html, base) : [])
}

function parsedEdits(html: string, base: string): Edit[] {
  const edits: Edit[] = []
  for (const child of parseFragment(html, { sourceCodeLocationInfo: true }).childNodes) collect(child, base, edits)
  return edits
}

/** absoluteUrls by parse5 alone (exported for the test that the scan never skips an edit). */
export function parsedAbsoluteUrls(html: string, base: string): string {
  return applyEdits(html, parsedEdits(html, base))
}

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
 * byte for byte.
 */

import { parseFragment } from 'parse5'
import type { DefaultTreeAdapterMap } from 'parse5'

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

/** The HTML with every relative URL attribute resolved against `base` (an absolute URL). */
export function absoluteUrls(html: string, base: string): string {
  const edits: Edit[] = []
  for (const child of parseFragment(html, { sourceCodeLocationInfo: true }).childNodes) collect(child, base, edits)
  return applyEdits(html, edits)
}

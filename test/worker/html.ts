// HTML checks for worker tests: parse with parse5 (the WHATWG parsing algorithm) and walk the tree.
import { parse, type DefaultTreeAdapterMap } from 'parse5'

type Node = DefaultTreeAdapterMap['node']
export type Element = DefaultTreeAdapterMap['element']

export interface ParsedPage {
  errors: string[]
  all(tag: string, where?: (el: Element) => boolean): Element[]
  one(tag: string, where?: (el: Element) => boolean): Element | undefined
  meta(key: string): string | undefined
  link(rel: string, type?: string): Element[]
}

export const attr = (el: Element | undefined, name: string): string | undefined => el?.attrs.find((a) => a.name === name)?.value

export function text(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value
  return 'childNodes' in node ? node.childNodes.map(text).join('') : ''
}

function walk(node: Node, out: Element[]): Element[] {
  if ('tagName' in node) out.push(node)
  if ('childNodes' in node) for (const child of node.childNodes) walk(child, out)
  if (node.nodeName === 'template') walk((node as DefaultTreeAdapterMap['template']).content, out)
  return out
}

/** Elements inside `el` (not `el` itself). */
export const within = (el: Element, tag: string): Element[] => walk(el, []).filter((e) => e !== el && e.tagName === tag)

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'path', 'circle', 'rect'])

/**
 * parse5 reports tokenizer errors but repairs tree errors (a stray `</div>`, an unclosed `<section>`)
 * silently, so also require every non-void start tag in the source to have its end tag.
 */
function unbalanced(html: string): string[] {
  const counts = new Map<string, number>()
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    const name = m[2]!.toLowerCase()
    if (VOID.has(name) || m[3]) continue
    counts.set(name, (counts.get(name) ?? 0) + (m[1] ? -1 : 1))
  }
  return [...counts].filter(([, n]) => n !== 0).map(([name, n]) => `<${name}>: ${n > 0 ? `${n} unclosed` : `${-n} stray end tags`}`)
}

/** Parses a whole document; `errors` lists every parse error (HTML §13.2.2) with its line, and unbalanced tags. */
export function parsePage(html: string): ParsedPage {
  const errors: string[] = unbalanced(html)
  const doc = parse(html, { onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}:${e.startCol}`) })
  const elements = walk(doc, [])
  const all = (tag: string, where: (el: Element) => boolean = () => true) => elements.filter((el) => el.tagName === tag && where(el))
  return {
    errors,
    all,
    one: (tag, where) => all(tag, where)[0],
    meta: (key) => attr(all('meta', (m) => attr(m, 'property') === key || attr(m, 'name') === key)[0], 'content'),
    link: (rel, type) => all('link', (l) => (attr(l, 'rel') ?? '').split(/\s+/).includes(rel) && (!type || attr(l, 'type') === type)),
  }
}

/**
 * The migration report's body check: each post Kumo built, against the same
 * URL in the old site's built folder (`_site/`), compared element by element
 * with the rendering check's own comparison (bodies.ts).
 *
 * The old pages are full theme pages, so the body is taken out of the element
 * themes put a post's content in: `itemprop="articleBody"` (minima and
 * schema.org-minded themes), then the common content classes (Minimal
 * Mistakes' `page__content`, Chirpy's `content` inside `<article>`, and the
 * generic `post-content`, `entry-content`, `post-body`), then `<article>`; a
 * page with no layout is all body. A post whose old page has none of them is
 * counted as not compared, never guessed at. Theme furniture inside the body (a table of contents `<aside>`,
 * `<nav>`) is left out.
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, serialize, type DefaultTreeAdapterMap } from 'parse5'
import type { PostBodyRecord } from '../../src/shared/schema.ts'
import { compareBodies, formatReport, type BodiesReport } from './bodies.ts'
import { jekyllBodies, postKey, siteConfig } from './site-bodies.ts'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']

const isElement = (n: Node): n is Element => 'tagName' in n
const classes = (el: Element) => (el.attrs.find((a) => a.name === 'class')?.value ?? '').split(/\s+/)
const childrenOf = (n: Node): Node[] => (n as { childNodes?: Node[] }).childNodes ?? []

/** Where themes put a post's content, most specific first. */
const CONTAINERS: Array<(el: Element, inArticle: boolean) => boolean> = [
  (el) => el.attrs.some((a) => a.name === 'itemprop' && a.value === 'articleBody'),
  (el) => classes(el).includes('page__content'),
  (el, inArticle) => inArticle && el.tagName === 'div' && classes(el).includes('content'),
  (el) => ['post-content', 'entry-content', 'post-body', 'article-content'].some((c) => classes(el).includes(c)),
  (el) => el.tagName === 'article',
]

function find(root: Node, match: (el: Element, inArticle: boolean) => boolean): Element | undefined {
  // Iterative, so a deeply nested old page cannot overflow the stack.
  const stack: Array<[Node, boolean]> = [[root, false]]
  while (stack.length) {
    const [node, inArticle] = stack.pop()!
    if (isElement(node) && match(node, inArticle)) return node
    const inside = inArticle || (isElement(node) && node.tagName === 'article')
    const kids = childrenOf(node)
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, inside])
  }
  return undefined
}

// What themes add inside a body at build time (Chirpy's refactor-content: heading anchors, code
// headers with a copy button, icon fonts), never the writer.
const furniture = (el: Element) =>
  el.tagName === 'button' ||
  (el.tagName === 'i' && classes(el).some((c) => /^fa[srb]?$|^fa-/.test(c))) ||
  (el.tagName === 'a' && classes(el).includes('anchor')) ||
  classes(el).includes('code-header')

function strip(node: Node): void {
  const el = node as Element
  if (!el.childNodes) return
  el.childNodes = el.childNodes.filter((c) => !(isElement(c) && furniture(c)))
  for (const c of el.childNodes) strip(c)
}

/** The body HTML of a themed post page, or undefined when no known container holds it. */
export function oldBody(page: string): string | undefined {
  const doc = parse(page)
  for (const match of CONTAINERS) {
    const el = find(doc, match)
    if (!el) continue
    el.childNodes = el.childNodes.filter((c) => !(isElement(c) && (c.tagName === 'aside' || c.tagName === 'nav')))
    strip(el)
    return serialize(el)
  }
  // A post built with no layout (or `layout: null`) is its body and nothing else.
  return /<(html|body|head)[\s>]/i.test(page) ? undefined : page
}

/** The old build's files for a URL path, as GitHub Pages looks: `/a/` → `a/index.html`, `/a.txt` → itself, `/a` → `a`, `a.html` or `a/index.html`. */
export function oldFileCandidates(path: string): string[] {
  const rel = path.replace(/^\/+/, '')
  if (rel === '' || rel.endsWith('/')) return [`${rel}index.html`]
  if (/\.[A-Za-z0-9]+$/.test(rel)) return [rel]
  return [rel, `${rel}.html`, `${rel}/index.html`]
}

async function readOld(oldSite: string, path: string): Promise<string | undefined> {
  for (const rel of oldFileCandidates(path)) {
    const text = await readFile(join(oldSite, rel), 'utf8').catch(() => undefined)
    if (text !== undefined) return text
  }
  return undefined
}

export interface OldBodiesReport extends BodiesReport {
  compared: true
  /** What the bodies were compared with: the old theme's pages, or kramdown's own output (a verify:jekyll reference). */
  against: 'old pages' | 'reference'
  /** Posts whose old page is missing or holds no known body container (or that the reference lacks). */
  notCompared: string[]
}

/**
 * Compares each post's body with kramdown's own output, from a folder
 * `npm run verify:jekyll` wrote (stub layouts, so no theme furniture): exact,
 * where theme pages are approximate.
 */
export async function compareReferenceBodies(refDir: string, posts: Iterable<PostBodyRecord>): Promise<OldBodiesReport> {
  const jekyll = await jekyllBodies(refDir)
  // The site the reference was built from (reference.json's `source`): its default code language is a listed deliberate difference.
  const ref = JSON.parse(await readFile(join(refDir, 'reference.json'), 'utf8')) as { source?: string }
  const lang = ref.source ? (await siteConfig(ref.source)).kramdown?.syntax_highlighter_opts?.default_lang : undefined
  const pairs: Array<{ id: string; jekyll: string; kumo: string }> = []
  const notCompared: string[] = []
  for (const post of posts) {
    const body = jekyll.get(postKey(post.source))
    if (body === undefined) notCompared.push(post.path)
    else pairs.push({ id: post.path, jekyll: body, kumo: post.html })
  }
  return { compared: true, against: 'reference', ...compareBodies(pairs, { defaultLang: typeof lang === 'string' ? lang : undefined }), notCompared }
}

/** Compares each post's body with the old site's page at the same URL. */
export async function compareOldBodies(oldSite: string, posts: Iterable<PostBodyRecord>): Promise<OldBodiesReport> {
  const pairs: Array<{ id: string; jekyll: string; kumo: string }> = []
  const notCompared: string[] = []
  for (const post of posts) {
    const page = await readOld(oldSite, post.path)
    const body = page === undefined ? undefined : oldBody(page)
    if (body === undefined) notCompared.push(post.path)
    else pairs.push({ id: post.path, jekyll: body, kumo: post.html })
  }
  return { compared: true, against: 'old pages', ...compareBodies(pairs), notCompared }
}

/** The body check's lines for the migration report. */
export function formatOldBodies(report: OldBodiesReport, limit = 10): string {
  const lines = [formatReport(`post bodies against ${report.against === 'reference' ? "kramdown's output (the reference)" : 'the old pages'}`, report, limit)]
  if (report.against === 'old pages') lines.push("  (theme pages add their own markup to a body; for an exact check against kramdown's output give --ref <folder from npm run verify:jekyll>)")
  if (report.notCompared.length) lines.push(`  not compared (no old page, or no body element a theme uses): ${report.notCompared.length}: ${report.notCompared.slice(0, 5).join(', ')}`)
  return lines.join('\n')
}

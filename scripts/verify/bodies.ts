/**
 * The differential check of post bodies: the HTML real Jekyll (kramdown +
 * rouge) made for a post against the HTML Kumo made for it, element by
 * element, as a reader would notice. Both sides are parsed with parse5 (the
 * WHATWG algorithm browsers use), so markup spelling (`<br />`, attribute
 * order, rouge's wrappers, highlight.js's spans) never counts; what counts:
 *
 *   headings (level and text), paragraphs, strong/em, code blocks (count,
 *   language, exact text), tables (rows × cells), lists (kind and items),
 *   blockquotes, images, links, footnotes, raw HTML elements, classes from
 *   attribute lists, literal Markdown left in the text (`**`, `__`, `{:`),
 *   in-page links whose target is missing, and visible-text similarity.
 *
 * A library: `compareBody` for one post, `compareBodies` for a site's worth.
 * `bodies-cli.ts` builds both sides from a Jekyll site folder; the migration
 * report calls `compareBodies` itself. Deliberate differences (README, "How
 * Kumo's Markdown differs from kramdown") are normalised here, not counted.
 */

import { parseFragment, type DefaultTreeAdapterMap } from 'parse5'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']

/** One aspect in which the two bodies differ, with a short excerpt of each side. */
export interface BodyDifference {
  aspect: string
  jekyll: string
  kumo: string
}

export interface BodyComparison {
  id: string
  /** Every structural count and list is the same (similarity aside). */
  identical: boolean
  /** Visible-text similarity, 0…1 (Sørensen–Dice over character bigrams, whitespace ignored). */
  similarity: number
  differences: BodyDifference[]
}

export interface BodiesReport {
  posts: number
  identical: number
  medianSimilarity: number
  minSimilarity: number
  /** Posts where Kumo shows more literal `**`, `__` or `{:` than Jekyll does. */
  literalMarkup: string[]
  /** Only the posts that differ, worst first. */
  differing: BodyComparison[]
}

/** What a reader sees of a body, reduced to comparable lists. */
interface Features {
  headings: string[]
  paragraphs: number
  strong: number
  em: number
  code: string[]
  /** Per code block: it shows Liquid tags as written (Kumo keeps them; Jekyll ran them). */
  liquidCode: boolean[]
  tables: string[]
  lists: string[]
  blockquotes: number
  images: string[]
  links: string[]
  footnotes: string[]
  html: string[]
  classes: string[]
  literals: string[]
  brokenAnchors: string[]
  text: string
}

const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value
const classesOf = (el: Element) => (attr(el, 'class') ?? '').split(/\s+/).filter(Boolean)
const isElement = (n: Node): n is Element => 'tagName' in n

function children(n: Node): Node[] {
  const c = (n as { childNodes?: Node[] }).childNodes ?? []
  return n.nodeName === 'template' ? ((n as unknown as { content: { childNodes: Node[] } }).content.childNodes ?? []) : c
}

/** Text content; with `skip`, subtrees it matches are left out. */
function textOf(n: Node, skip?: (el: Element) => boolean): string {
  if (n.nodeName === '#text') return (n as DefaultTreeAdapterMap['textNode']).value
  if (isElement(n) && skip?.(n)) return ''
  return children(n).map((c) => textOf(c, skip)).join('')
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim()

// Classes the generators add, never the writer: rouge and highlight.js, kramdown's
// and marked-footnote's footnotes, Kumo's code wrappers and task lists.
const GENERATED_CLASS = /^(hljs.*|language-.*|highlighter-rouge|highlight|rouge-.*|gutter|gl|lineno|code-linenos|footnotes?|reversefootnote|sr-only|task-list(-item.*)?|contains-task-list|diff-(add|del)|kramdown-.*)$/
// Elements Markdown itself makes; any other element in a body is raw HTML the writer wrote.
const MARKDOWN_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'a', 'img', 'hr', 'br', 'del', 'sup', 'section', 'input', 'span', 'div'])

// The HTML elements (WHATWG HTML's index of elements, less the obsolete): any other name is an
// unknown element, which is how a parser reads `<stdio.h>` or `<T>` written in prose.
const KNOWN_TAGS = new Set(
  ('a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp script search section select slot small source span strong style sub summary sup table tbody td template textarea tfoot th thead time title tr track u ul var video wbr ' +
    'center font big tt strike marquee svg math').split(' '),
)

const isFootnoteBlock = (el: Element) => (el.tagName === 'div' || el.tagName === 'section') && classesOf(el).includes('footnotes')
const isGutter = (el: Element) => el.tagName === 'pre' && (classesOf(el).includes('gutter') || classesOf(el).includes('lineno'))
const isFootnoteRef = (el: Element) => el.tagName === 'sup' && children(el).some((c) => isElement(c) && c.tagName === 'a' && /^#fn/.test(attr(c, 'href') ?? ''))
const isRougeTable = (el: Element) => el.tagName === 'table' && classesOf(el).some((c) => c.startsWith('rouge'))

// No language, and the names for none: rouge labels an unnamed fence `plaintext`.
const PLAIN = new Set(['', 'plaintext', 'text', 'plain', 'txt'])

/** The language a code block names: on <code> (both) or on rouge's wrapper <div>. */
function codeLanguage(pre: Element, ancestors: Element[]): string {
  const code = children(pre).find((c): c is Element => isElement(c) && c.tagName === 'code')
  for (const el of [code, pre, ...[...ancestors].reverse()]) {
    const lang = el && classesOf(el).find((c) => c.startsWith('language-'))
    if (lang) return lang.slice('language-'.length).toLowerCase()
  }
  return ''
}

const excerpt = (s: string, max = 60) => {
  const t = squash(s)
  return t.length > max ? `${t.slice(0, max)}…` : t
}

function decodeHref(href: string): string {
  try {
    return decodeURI(href)
  } catch {
    // Not UTF-8 once decoded: compare with the brackets marked escapes and kramdown keeps.
    return href.replace(/%5B/gi, '[').replace(/%5D/gi, ']')
  }
}

/** Extracts the features of one body's HTML. */
export function features(html: string): Features {
  const root = parseFragment(html) as unknown as Node
  const f: Features = { headings: [], paragraphs: 0, strong: 0, em: 0, code: [], liquidCode: [], tables: [], lists: [], blockquotes: 0, images: [], links: [], footnotes: [], html: [], classes: [], literals: [], brokenAnchors: [], text: '' }
  const ids = new Set<string>()
  const anchors: string[] = []
  const visit = (n: Node, ancestors: Element[], inFootnotes: boolean, inCode: boolean) => {
    if (!isElement(n)) return
    const el = n
    const tag = el.tagName
    const id = attr(el, 'id') ?? attr(el, 'name')
    if (id) ids.add(id)
    if (isFootnoteBlock(el)) {
      for (const li of children(el).flatMap((c) => (isElement(c) && c.tagName === 'ol' ? children(c) : []))) {
        // The back links are left out: kramdown's `#fnref:x`, Kumo's `#fn-ref-x` (whose `<sup>2</sup>` on a second one is no text of the note).
        if (isElement(li) && li.tagName === 'li') f.footnotes.push(`note: ${excerpt(textOf(li, (e) => e.tagName === 'a' && /^#fn-?ref/.test(attr(e, 'href') ?? '')).replace(/[↩︎]/g, ''))}`)
      }
      for (const c of children(el)) visit(c, [...ancestors, el], true, inCode)
      return
    }
    if (isGutter(el)) return
    if (isFootnoteRef(el)) {
      f.footnotes.push('ref')
      return
    }
    countElement(f, el, ancestors, inFootnotes, inCode, anchors)
    // Inside code, elements and classes are the highlighter's (rouge's or highlight.js's), never the writer's.
    if (!inCode) authorMarkup(f, el)
    const code = inCode || tag === 'pre' || tag === 'code' || tag === 'script' || tag === 'style'
    for (const c of children(el)) visit(c, [...ancestors, el], inFootnotes, code)
  }
  for (const c of children(root)) visit(c, [], false, false)
  brokenAnchors(f, ids, anchors)
  proseFeatures(f, root)
  f.classes.sort()
  f.html.sort()
  return f
}

/** What one element adds to the counts: headings, paragraphs, emphasis, code blocks, tables, lists, images, links. */
function countElement(f: Features, el: Element, ancestors: Element[], inFootnotes: boolean, inCode: boolean, anchors: string[]): void {
  const tag = el.tagName
  if (/^h[1-6]$/.test(tag) && !inFootnotes) f.headings.push(`${tag} ${excerpt(textOf(el), 80)}`)
  else if (tag === 'p' && !inFootnotes) f.paragraphs++
  else if (tag === 'strong' || tag === 'b') f.strong++
  else if (tag === 'em' || tag === 'i') f.em++
  else if (tag === 'blockquote') f.blockquotes++
  else if (tag === 'pre' && !inCode) {
    // rouge's line numbers are a table inside the <pre>: its gutter is not code.
    const text = textOf(el, (e) => isGutter(e) || (e.tagName === 'td' && classesOf(e).some((c) => c.includes('gutter')))).replace(/\n+$/, '')
    // Liquid inside code: Jekyll ran it (blanking `{{ x }}`, its `-%}` eating the line ends), Kumo shows
    // it as written (README): compared without it, and without the blank lines and line-end spaces it leaves.
    const code = text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, '').replace(/[ \t]+$/gm, '').replace(/\n{2,}/g, '\n').trim()
    f.code.push(`${PLAIN.has(codeLanguage(el, ancestors)) ? 'plain' : codeLanguage(el, ancestors)}: ${code}`)
    f.liquidCode.push(/\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}/.test(text))
  } else if (tag === 'table' && !isRougeTable(el)) {
    const rows = ownRows(el)
    f.tables.push(`${rows.length}×${Math.max(0, ...rows.map((tr) => children(tr).filter((c) => isElement(c) && (c.tagName === 'td' || c.tagName === 'th')).length))}`)
  } else if ((tag === 'ul' || tag === 'ol') && !inFootnotes) {
    f.lists.push(`${tag} ${children(el).filter((c) => isElement(c) && c.tagName === 'li').length}`)
  } else if (tag === 'img') f.images.push(decodeHref(attr(el, 'src') ?? ''))
  else if (tag === 'a' && attr(el, 'href') !== undefined) {
    const href = attr(el, 'href')!
    // A bare URL Kumo links and kramdown leaves as text is a deliberate difference (README): links whose text is their URL are left out.
    const text = squash(textOf(el))
    const bare = text === href || `mailto:${text}` === href || `http://${text}` === href || decodeHref(href) === text
    // In-page links are compared by whether they resolve (brokenAnchors): heading ids are Kumo's own (README).
    if (!/^#fn/.test(href) && !bare) f.links.push(href.startsWith('#') ? '#…' : decodeHref(href))
    if (href.startsWith('#') && href.length > 1 && !/^#fn/.test(href)) anchors.push(href.slice(1))
  }
}

/** Elements and classes the writer put in (raw HTML, attribute lists), outside code. */
function authorMarkup(f: Features, el: Element): void {
  const tag = el.tagName
  // `{% highlight %}` wraps its <pre> in <figure class="highlight">: Jekyll's wrapper, not the writer's.
  const wrapper = tag === 'figure' && classesOf(el).includes('highlight')
  if (!wrapper && (!MARKDOWN_TAGS.has(tag) || ((tag === 'div' || tag === 'span') && isAuthorWrapper(el)))) f.html.push(tag)
  // A code block's attribute list lands on rouge's wrapper <div> in Jekyll, on the <pre> in Kumo: both are the code block's.
  const owner = tag === 'pre' || (tag === 'div' && classesOf(el).includes('highlighter-rouge')) ? 'code' : tag
  for (const c of classesOf(el)) if (!GENERATED_CLASS.test(c)) f.classes.push(`${owner}.${c}`)
}

/** In-page links whose target is on no element of the body. */
function brokenAnchors(f: Features, ids: Set<string>, anchors: string[]): void {
  for (const a of anchors) {
    let target = a
    try {
      target = decodeURIComponent(a)
    } catch {}
    if (!ids.has(target) && !ids.has(a)) f.brokenAnchors.push(`#${a}`)
  }
}

/** Literal `**`, `__` and `{:` left in the prose, and the visible text. */
function proseFeatures(f: Features, root: Node): void {
  const prose = textOf(root, (el) => el.tagName === 'code' || el.tagName === 'pre' || el.tagName === 'script' || el.tagName === 'style')
  for (const m of prose.matchAll(/\*\*|__|\{:/g)) f.literals.push(`${m[0]} in “${excerpt(prose.slice(Math.max(0, m.index - 20), m.index + 22), 44)}”`)
  f.text = textOf(root, (el) => el.tagName === 'script' || el.tagName === 'style' || isGutter(el) || (el.tagName === 'h2' && classesOf(el).includes('sr-only')) || (el.tagName === 'a' && /^#fnref/.test(attr(el, 'href') ?? '')))
}

/** A div or span that is not a generator's wrapper (rouge's, Kumo's line numbers, diff lines, hljs spans). */
function isAuthorWrapper(el: Element): boolean {
  const classes = classesOf(el)
  if (classes.some((c) => GENERATED_CLASS.test(c))) return false
  return el.attrs.length > 0 || el.tagName === 'div'
}

/** A table's own rows (in its thead, tbody, tfoot or directly), not those of a table nested in a cell. */
function ownRows(table: Element): Element[] {
  const direct = children(table).filter(isElement)
  const sections = direct.filter((c) => c.tagName === 'thead' || c.tagName === 'tbody' || c.tagName === 'tfoot')
  return [...direct, ...sections.flatMap((s) => children(s).filter(isElement))].filter((c) => c.tagName === 'tr')
}

/** Sørensen–Dice coefficient of the character-bigram multisets of two texts, whitespace ignored. */
export function similarity(a: string, b: string): number {
  const x = a.replace(/\s+/g, '')
  const y = b.replace(/\s+/g, '')
  if (x === y) return 1
  if (x.length < 2 || y.length < 2) return 0
  const counts = new Map<string, number>()
  for (let i = 0; i < x.length - 1; i++) {
    const g = x.slice(i, i + 2)
    counts.set(g, (counts.get(g) ?? 0) + 1)
  }
  let common = 0
  for (let i = 0; i < y.length - 1; i++) {
    const g = y.slice(i, i + 2)
    const n = counts.get(g) ?? 0
    if (n > 0) {
      common++
      counts.set(g, n - 1)
    }
  }
  return (2 * common) / (x.length - 1 + (y.length - 1))
}

/** Excerpts of two texts from a little before where they first differ. */
function around(a: string, b: string): [string, string] {
  const x = squash(a)
  const y = squash(b)
  let i = 0
  while (i < x.length && x[i] === y[i]) i++
  const from = i > 40 ? i - 30 : 0
  const cut = (s: string) => `${from ? '…' : ''}${excerpt(s.slice(from), 90)}`
  return [cut(x), cut(y)]
}

/** The first place two lists differ, as excerpts; undefined when equal. */
function listDifference(aspect: string, a: string[], b: string[]): BodyDifference | undefined {
  if (a.length === b.length && a.every((v, i) => v === b[i])) return undefined
  const i = a.findIndex((v, k) => v !== b[k])
  const at = i < 0 ? a.length : i
  const count = a.length !== b.length
  const [x, y] = around(a[at] ?? '(none)', b[at] ?? '(none)')
  return { aspect, jekyll: `${count ? `${a.length}: ` : ''}${x}`, kumo: `${count ? `${b.length}: ` : ''}${y}` }
}

/** A multiset difference: what one side has more of, as excerpts. */
function bagDifference(aspect: string, a: string[], b: string[]): BodyDifference | undefined {
  const left = [...a]
  const right: string[] = []
  for (const v of b) {
    const i = left.indexOf(v)
    if (i >= 0) left.splice(i, 1)
    else right.push(v)
  }
  if (!left.length && !right.length) return undefined
  const show = (xs: string[]) => (xs.length ? excerpt(xs.slice(0, 3).join(', '), 90) : '—')
  return { aspect, jekyll: `${a.length}, only here: ${show(left)}`, kumo: `${b.length}, only here: ${show(right)}` }
}

const countDifference = (aspect: string, a: number, b: number): BodyDifference | undefined =>
  a === b ? undefined : { aspect, jekyll: String(a), kumo: String(b) }

export interface CompareOptions {
  /** The site's `kramdown: syntax_highlighter_opts: default_lang`: rouge's language for unnamed code, plain in Kumo (README). */
  defaultLang?: string
}

/**
 * The deliberate differences that show in the features, taken out (README): an
 * unnamed block coloured as the site's default language, and a `<name…>` kramdown
 * swallowed as an unknown element that Kumo shows as the text written.
 */
function normalise(j: Features, k: Features, options: CompareOptions): void {
  const d = options.defaultLang?.toLowerCase()
  if (d) j.code = j.code.map((c, i) => (c.startsWith(`${d}: `) && k.code[i]?.startsWith('plain: ') ? `plain: ${c.slice(d.length + 2)}` : c))
  // Code that shows Liquid tags in Kumo: what Jekyll's `{% if %}` kept or dropped is Liquid's affair; the language still counts.
  const lang = (c: string) => c.slice(0, c.indexOf(': '))
  j.code = j.code.map((c, i) => (k.liquidCode[i] && k.code[i] !== undefined && lang(k.code[i]!) === lang(c) ? k.code[i]! : c))
  const shown = j.html.filter((tag) => !KNOWN_TAGS.has(tag) && !k.html.includes(tag) && k.text.toLowerCase().includes(`<${tag}`))
  if (shown.length) {
    j.html = j.html.filter((tag) => !shown.includes(tag))
    // kramdown's unknown element also took the lines after it into its block: paragraphs are cut differently.
    j.paragraphs = k.paragraphs
  }
}

/** Compares one post's body as Jekyll rendered it with Kumo's. */
export function compareBody(id: string, jekyllHtml: string, kumoHtml: string, options: CompareOptions = {}): BodyComparison {
  const j = features(jekyllHtml)
  const k = features(kumoHtml)
  normalise(j, k, options)
  const differences = [
    listDifference('headings', j.headings, k.headings),
    countDifference('paragraphs', j.paragraphs, k.paragraphs),
    countDifference('strong', j.strong, k.strong),
    countDifference('emphasis', j.em, k.em),
    listDifference('code blocks', j.code, k.code),
    listDifference('tables (rows×cells)', j.tables, k.tables),
    listDifference('lists', j.lists, k.lists),
    countDifference('blockquotes', j.blockquotes, k.blockquotes),
    listDifference('images', j.images, k.images),
    listDifference('links', j.links, k.links),
    listDifference('footnotes', j.footnotes, k.footnotes),
    bagDifference('raw HTML elements', j.html, k.html),
    bagDifference('classes', j.classes, k.classes),
    k.literals.length > j.literals.length ? listDifference('literal Markdown', j.literals, k.literals) : undefined,
    k.brokenAnchors.length > j.brokenAnchors.length ? listDifference('in-page links to nothing', j.brokenAnchors, k.brokenAnchors) : undefined,
  ].filter((d): d is BodyDifference => d !== undefined)
  return { id, identical: differences.length === 0, similarity: similarity(j.text, k.text), differences }
}

function median(xs: number[]): number {
  if (!xs.length) return 1
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Compares every post: `pairs` are id, Jekyll's body HTML, Kumo's body HTML. */
export function compareBodies(pairs: Iterable<{ id: string; jekyll: string; kumo: string }>, options: CompareOptions = {}): BodiesReport {
  const results = [...pairs].map((p) => compareBody(p.id, p.jekyll, p.kumo, options))
  const sims = results.map((r) => r.similarity)
  return {
    posts: results.length,
    identical: results.filter((r) => r.identical).length,
    medianSimilarity: median(sims),
    minSimilarity: sims.length ? Math.min(...sims) : 1,
    literalMarkup: results.filter((r) => r.differences.some((d) => d.aspect === 'literal Markdown')).map((r) => r.id),
    differing: results.filter((r) => !r.identical || r.similarity < 0.98).sort((a, b) => a.differences.length === b.differences.length ? a.similarity - b.similarity : b.differences.length - a.differences.length),
  }
}

/** The report as lines for a terminal: the totals, then each differing post with its differences. */
export function formatReport(name: string, report: BodiesReport, limit = 50): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  const lines = [
    `${name}: ${report.posts} posts, ${report.identical} structurally identical (${pct(report.posts ? report.identical / report.posts : 1)}), text similarity median ${pct(report.medianSimilarity)}, min ${pct(report.minSimilarity)}`,
  ]
  if (report.literalMarkup.length) lines.push(`  literal **, __ or {: where Jekyll shows none: ${report.literalMarkup.join(', ')}`)
  for (const r of report.differing.slice(0, limit)) {
    lines.push(`  ${r.id} (text ${pct(r.similarity)})`)
    for (const d of r.differences) lines.push(`    ${d.aspect}: jekyll ${d.jekyll} | kumo ${d.kumo}`)
  }
  if (report.differing.length > limit) lines.push(`  … ${report.differing.length - limit} more`)
  return lines.join('\n')
}

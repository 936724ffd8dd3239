/**
 * Stage "render": Markdown to HTML the way Jekyll's kramdown-in-GFM-mode renders
 * real blogs: GFM (tables, task lists, strikethrough, autolinks), raw HTML passed
 * through, footnotes, GitHub-style heading ids, kramdown attribute lists
 * (ial.ts) and the Liquid posts carry (liquid.ts), with code highlighted here at
 * build time so readers download no highlighter.
 *
 * highlight.js is the highlighter: it knows Swift, Objective-C, C, shell, JSON,
 * diff and ~190 more languages, and emits class names (`hljs-keyword`), which the
 * stylesheet colours for light and dark and which a strict CSP allows (inline
 * `style=` attributes, as Shiki emits, would need 'unsafe-inline').
 */

import GithubSlugger from 'github-slugger'
import { Lexer, Marked, type MarkedExtension, type MarkedOptions, type Token, type Tokens } from 'marked'
import markedCjkFriendly from 'marked-cjk-friendly'
import markedFootnote from 'marked-footnote'
import type { TocEntry } from '../../src/shared/schema.ts'
import { escapeHtml } from './html.ts'
import { boundedFootnoteRefs } from './footnote-refs.ts'
import { track } from './block-memo.ts'
import { holdParagraphTails } from './paragraph-tail.ts'
import { applyIal, parkIals, processBlocks, unparkIals, type IalToken } from './ial.ts'
import { highlight } from './highlight.ts'
import { kramdownBlocks, trimCjkAutolinks, type KramdownTableToken } from './kramdown-blocks.ts'
import { applyAbbreviations, takeAbbreviations } from './kramdown-abbreviations.ts'
import { kramdownDefinitions } from './kramdown-definitions.ts'
import { kramdownEmphasis } from './kramdown-emphasis.ts'
import { kramdownStrike } from './kramdown-strike.ts'
import { renderLiquid, type LiquidSite } from './liquid.ts'
import { guillemets, smartTokens } from './typography.ts'

export interface RenderedMarkdown {
  html: string
  toc: TocEntry[]
  /** Things the writer should know (Liquid that had no equivalent and was removed). */
  warnings: string[]
  /** Fence languages shown as plain code because highlight.js does not know them (for the build summary). */
  unknownLanguages: string[]
  /** The body holds its own table of contents (kramdown's `{:toc}`), so the page need not add one. */
  bodyToc: boolean
  /** The Markdown with its Liquid resolved: what machine readers get (scripts/pipeline/machine-readers.ts). */
  markdown: string
}

export interface RenderOptions {
  /** For `{{ site.url }}` and friends; without it those outputs are removed with a warning. */
  site?: LiquidSite
  /** site.yml `typography`: kramdown's smart quotes and symbols (default), or text as written. */
  typography?: 'kramdown' | 'plain'
}

/** What one render accumulates: heading ids unique within the document, its table of contents, its settings. */
interface RenderContext {
  slugger: GithubSlugger
  toc: TocEntry[]
  typography: boolean
  /** Fence languages highlight.js does not know, shown as plain code. */
  unknown: Set<string>
  /** kramdown abbreviations the document defines (kramdown-abbreviations.ts). */
  abbreviations: Map<string, string>
}

/** Plain text of inline tokens, for heading ids and the table of contents. */
function plainText(tokens: Tokens.Generic[] | undefined): string {
  return (tokens ?? [])
    .map((t) => ('tokens' in t && t.tokens ? plainText(t.tokens) : t.type === 'html' ? '' : (t as { text?: string }).text ?? ''))
    .join('')
}

/**
 * A marked instance and the context of the render it is doing. marked keeps
 * per-parse state on its instance (the renderer's options and parser, and
 * marked-footnote's list of notes), so a render takes an idle instance, or
 * makes one, for itself: a render started inside another (or alongside it)
 * never shares one. An instance goes back to the idle list only after a
 * render that finished, so a failed one cannot leave half a footnote list behind.
 */
interface Renderer {
  marked: Marked
  ctx: RenderContext
}

const freshContext = (typography = true): RenderContext => ({ slugger: new GithubSlugger(), toc: [], typography, unknown: new Set(), abbreviations: new Map() })
const idle: Renderer[] = []

interface NoteRef {
  type: 'footnoteRef'
  id: string
  label: string
}
interface Note {
  label: string
  refs: NoteRef[]
  content: Token[]
}

/** Every footnote reference in `value` (tokens, and whatever holds tokens: items, cells, parts), in document order. */
function refsIn(value: unknown, out: NoteRef[] = []): NoteRef[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out)
  else if (value && typeof value === 'object') {
    const t = value as { type?: string; tokens?: unknown; items?: unknown; header?: unknown; rows?: unknown; moreHeader?: unknown; parts?: unknown }
    if (t.type === 'footnoteRef') out.push(value as NoteRef)
    else if (t.type !== 'footnotes') for (const child of [t.tokens, t.items, t.header, t.moreHeader, t.rows, t.parts]) refsIn(child, out)
  }
  return out
}

/**
 * Numbers the notes as kramdown does (converter/html.rb convert_footnote and
 * footnote_content): in the order the body first refers to them, then the notes
 * that only notes refer to, as each note is written out. marked-footnote numbers
 * them as it reads, so a note referred to inside an earlier note's text got a
 * number before the body's later notes. The last token is the list of notes.
 */
function numberNotes(list: Token[]): void {
  const section = list[list.length - 1] as unknown as { items: Note[] }
  const byLabel = new Map(section.items.map((n) => [n.label, n]))
  const order: Note[] = []
  const take = (refs: NoteRef[]) => {
    for (const r of refs) {
      const note = byLabel.get(r.label)
      if (note && !order.includes(note)) order.push(note)
    }
  }
  take(refsIn(list))
  for (let i = 0; i < order.length; i++) take(refsIn(order[i]!.content))
  order.forEach((note, i) => note.refs.forEach((r) => (r.id = String(i + 1))))
  section.items = order
}

/** Attribute lists (ial.ts), footnotes' place, autolinks and typography, reading the render's context. */
function kumoExtension(ctx: () => RenderContext): MarkedExtension {
  return {
  hooks: {
    // A lexer whose blockTokens calls are tracked, so closers are indexed once per text (block-memo.ts).
    provideLexer(block = true) {
      if (!block) return Lexer.lexInline
      const lex = (src: string, options?: MarkedOptions) => {
        const lexer = new Lexer(options)
        track(lexer)
        holdParagraphTails(lexer)
        return lexer.lex(src)
      }
      return lex as typeof Lexer.lex
    },
    // In place: marked-footnote keeps a reference to this very array.
    processAllTokens(tokens) {
      const list = tokens as Token[]
      // marked-footnote puts its section where its tokenizer first ran, which is not the
      // first block when an extension above took that one: it belongs at the end.
      const notes = list.findIndex((t) => t.type === 'footnotes')
      if (notes >= 0 && notes < list.length - 1) list.push(...list.splice(notes, 1))
      if (notes >= 0) numberNotes(list)
      // Copied back one by one: a spread (`splice(0, n, ...xs)`) of 80,000 paragraphs overflows the stack.
      const processed = processBlocks(list)
      list.length = 0
      for (const t of processed) list.push(t)
      trimCjkAutolinks(list)
      applyAbbreviations(list, ctx().abbreviations)
      if (ctx().typography) smartTokens(list)
      return tokens
    },
  },
  extensions: [
    guillemets(() => ctx().typography),
    {
      name: 'ialBlock',
      level: 'block',
      renderer(token) {
        const t = token as unknown as IalToken
        return applyIal(this.parser.parse(t.tokens), t.ial)
      },
    },
    {
      name: 'ialSpan',
      level: 'inline',
      // Chirpy sizes images with `{: w="700" h="400" }`.
      renderer(token) {
        const t = token as unknown as IalToken
        return applyIal(this.parser.parseInline(t.tokens), t.ial, { w: 'width', h: 'height' })
      },
    },
  ],
  }
}

/** HTML for headings (ids and the toc go to the render's context), code, tables and images. */
function htmlRenderer(ctx: () => RenderContext): MarkedExtension['renderer'] {
  return {
    heading(token) {
      const { tokens, depth } = token
      const custom = (token as Tokens.Heading & { customId?: string }).customId
      const text = plainText(tokens as Tokens.Generic[]).trim()
      const id = custom ?? ctx().slugger.slug(text)
      ctx().toc.push({ depth, id, text })
      return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`
    },
    code({ text, lang }) {
      const { html, unknown } = highlight(text, lang)
      if (unknown) ctx().unknown.add(unknown)
      return html
    },
    table(token) {
      // kramdown's tables (kramdown-blocks.ts) may have no header row, or several.
      const t = token as KramdownTableToken
      const row = (cells: Tokens.TableCell[]) => `<tr>\n${cells.map((c) => this.tablecell(c)).join('')}</tr>\n`
      const head = [t.header, ...(t.moreHeader ?? [])].filter((r) => r.length > 0)
      const thead = head.length ? `<thead>\n${head.map(row).join('')}</thead>\n` : ''
      const tbody = t.rows.length ? `<tbody>${t.rows.map(row).join('')}</tbody>` : ''
      // Wide tables scroll inside their own box (see style.css), so they take keyboard focus like <pre>.
      return `<table tabindex="0">\n${thead}${tbody}</table>\n`
    },
    image({ href, title, text }) {
      const t = title ? ` title="${escapeHtml(title)}"` : ''
      return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${t} loading="lazy" decoding="async">`
    },
  }
}

function createRenderer(): Renderer {
  const renderer: Renderer = { marked: new Marked({ gfm: true }), ctx: freshContext() }
  const ctx = () => renderer.ctx
  // kramdown's emphasis (kramdown-emphasis.ts) takes `*` and `_`; marked-cjk-friendly still serves `~~` beside CJK punctuation (kramdown-strike.ts).
  // marked tries the extension used last first. marked-footnote's block tokenizer must see the first block
  // (it files its list of notes as the document's first token, where its references look for it), so it
  // comes after the block extensions: before, a post opening with a table, `<div>` or `$$` and having
  // notes failed to render.
  renderer.marked.use(markedCjkFriendly(), kramdownStrike, kramdownEmphasis, kramdownBlocks, kramdownDefinitions, boundedFootnoteRefs(markedFootnote({ prefixId: 'fn-', description: 'Footnotes' })), kumoExtension(ctx), { renderer: htmlRenderer(ctx) })
  return renderer
}

// kramdown's `{:toc}`: the list item it follows becomes the table of contents (kramdown/converter/html.rb
// convert_ul with `toc`), as `<ul id="markdown-toc">` with nested lists by heading level.
const TOC_MARKER = /^[ \t]*(?:[*+-]|\d+\.)[ \t]+[^\n]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*$/gm
const TOC_PLACEHOLDER = '<!--kumo:toc-->'

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/

/** Applies `edit` to the runs of lines outside fenced code. */
function outsideFences(source: string, edit: (part: string) => string): string {
  const out: string[] = []
  let run: string[] = []
  let fence: string | undefined
  for (const line of source.split('\n')) {
    const open = FENCE_LINE.exec(line)?.[1]
    if (fence) {
      out.push(line)
      if (open && open[0] === fence[0] && open.length >= fence.length && line.trim() === open) fence = undefined
    } else if (open) {
      if (run.length) out.push(edit(run.join('\n')))
      out.push(line)
      run = []
      fence = open
    } else run.push(line)
  }
  if (run.length) out.push(edit(run.join('\n')))
  return out.join('\n')
}

function tocList(entries: TocEntry[]): string {
  let html = ''
  const stack: number[] = []
  for (const e of entries) {
    while (stack.length && stack[stack.length - 1]! > e.depth) {
      html += '</li>\n</ul>\n'
      stack.pop()
    }
    if (stack.length && stack[stack.length - 1] === e.depth) html += '</li>\n'
    else {
      html += stack.length ? '<ul>\n' : '<ul id="markdown-toc">\n'
      stack.push(e.depth)
    }
    html += `<li><a href="#${escapeHtml(e.id)}" id="markdown-toc-${escapeHtml(e.id)}">${escapeHtml(e.text)}</a>`
  }
  while (stack.pop() !== undefined) html += '</li>\n</ul>\n'
  return html
}

/** Renders one document (Liquid first, as Jekyll does); heading ids are unique within it. */
export function renderMarkdown(source: string, options: RenderOptions = {}): RenderedMarkdown {
  // Jekyll's `markdownify` filter is this very renderer (a nested render takes its own marked instance).
  const markdownify = (md: string) => renderMarkdown(md, { typography: options.typography }).html
  const liquid = options.site ? renderLiquid(source, options.site, { markdownify }) : { text: source, warnings: [] }
  const renderer = idle.pop() ?? createRenderer()
  const ctx = (renderer.ctx = freshContext(options.typography !== 'plain'))
  const { text: plain, abbreviations } = takeAbbreviations(liquid.text)
  ctx.abbreviations = abbreviations
  const text = plain.includes('{:') ? outsideFences(plain, (part) => part.replace(TOC_MARKER, `${TOC_PLACEHOLDER}\n`)) : plain
  let html = unparkIals(renderer.marked.parse(parkIals(text), { async: false }))
  idle.push(renderer)
  const bodyToc = html.includes(TOC_PLACEHOLDER)
  if (bodyToc) html = html.replace(TOC_PLACEHOLDER, tocList(ctx.toc))
  return { html, toc: ctx.toc, warnings: liquid.warnings, unknownLanguages: [...ctx.unknown], bodyToc, markdown: liquid.text }
}

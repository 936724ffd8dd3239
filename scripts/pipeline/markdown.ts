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
import hljs from 'highlight.js'
import { Marked, Renderer as MarkedRenderer, type MarkedExtension, type Token, type Tokens } from 'marked'
import markedFootnote from 'marked-footnote'
import type { TocEntry } from '../../src/shared/schema.ts'
import { escapeHtml } from './html.ts'
import { applyIal, parkIals, processBlocks, unparkIals, type IalToken } from './ial.ts'
import { renderLiquid, type LiquidSite } from './liquid.ts'

export interface RenderedMarkdown {
  html: string
  toc: TocEntry[]
  /** Things the writer should know (Liquid that had no equivalent and was removed). */
  warnings: string[]
  /** The Markdown with its Liquid resolved: what machine readers get (scripts/pipeline/machine-readers.ts). */
  markdown: string
}

export interface RenderOptions {
  /** For `{{ site.url }}` and friends; without it those outputs are removed with a warning. */
  site?: LiquidSite
}

/** What one render accumulates: heading ids unique within the document, and its table of contents. */
interface RenderContext {
  slugger: GithubSlugger
  toc: TocEntry[]
}

// Names Jekyll writers use (Rouge's) that highlight.js spells differently.
// Rouge's `shell` is Bash, not highlight.js's prompt-only "Shell Session".
const ALIASES: Record<string, string> = {
  'objective-c': 'objectivec',
  'obj-c': 'objectivec',
  shell: 'bash',
  sh: 'bash',
  zsh: 'bash',
  terminal: 'bash',
  jsonc: 'json',
  text: 'plaintext',
  plain: 'plaintext',
  txt: 'plaintext',
}

/** The highlight.js language for a fence's info string, or '' when unknown. */
export function languageOf(name: string): string {
  const lang = ALIASES[name] ?? name
  return lang && hljs.getLanguage(lang) ? lang : ''
}

/**
 * Highlights code when highlight.js knows the language; plain, escaped code
 * otherwise (```swift-diff, ```sequence never fail). `linenos` in the info
 * string (from `{% highlight lang linenos %}`) adds a line-number gutter.
 */
export function highlight(code: string, info: string | undefined): string {
  const [first = '', ...opts] = (info ?? '').trim().split(/\s+/)
  const name = first.toLowerCase()
  const language = languageOf(name)
  const body = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code)
  const cls = name ? ` class="hljs language-${escapeHtml(name)}"` : ' class="hljs"'
  // tabindex: a box that scrolls must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable).
  const pre = `<pre tabindex="0"><code${cls}>${body}</code></pre>`
  if (!opts.includes('linenos')) return `${pre}\n`
  const count = code.replace(/\n$/, '').split('\n').length
  const gutter = Array.from({ length: count }, (_, i) => i + 1).join('\n')
  return `<div class="code-linenos"><pre class="gutter" aria-hidden="true">${gutter}</pre>${pre}</div>\n`
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

const freshContext = (): RenderContext => ({ slugger: new GithubSlugger(), toc: [] })
const idle: Renderer[] = []

/** kramdown attribute lists (ial.ts): stateless, so every instance shares them. */
const IAL_EXTENSION: MarkedExtension = {
  hooks: {
    // In place: marked-footnote keeps a reference to this very array.
    processAllTokens(tokens) {
      const list = tokens as Token[]
      list.splice(0, list.length, ...processBlocks(list))
      return tokens
    },
  },
  extensions: [
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
      return highlight(text, lang)
    },
    table(token) {
      // Wide tables scroll inside their own box (see style.css), so they take keyboard focus like <pre>.
      return MarkedRenderer.prototype.table.call(this, token).replace(/^<table>/, '<table tabindex="0">')
    },
    image({ href, title, text }) {
      const t = title ? ` title="${escapeHtml(title)}"` : ''
      return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${t} loading="lazy" decoding="async">`
    },
  }
}

function createRenderer(): Renderer {
  const renderer: Renderer = { marked: new Marked({ gfm: true }), ctx: freshContext() }
  renderer.marked.use(markedFootnote({ prefixId: 'fn-', description: 'Footnotes' }), IAL_EXTENSION, { renderer: htmlRenderer(() => renderer.ctx) })
  return renderer
}

/** Renders one document (Liquid first, as Jekyll does); heading ids are unique within it. */
export function renderMarkdown(source: string, options: RenderOptions = {}): RenderedMarkdown {
  const liquid = options.site ? renderLiquid(source, options.site) : { text: source, warnings: [] }
  const renderer = idle.pop() ?? createRenderer()
  const ctx = (renderer.ctx = freshContext())
  const html = unparkIals(renderer.marked.parse(parkIals(liquid.text), { async: false }))
  idle.push(renderer)
  return { html, toc: ctx.toc, warnings: liquid.warnings, markdown: liquid.text }
}

/**
 * Stage "render": Markdown to HTML the way a Jekyll blog expects (GFM, raw HTML
 * passed through, footnotes, GitHub-style heading ids), with code highlighted
 * here at build time so readers download no highlighter.
 *
 * highlight.js is the highlighter: it knows Swift, Objective-C, C, shell, JSON,
 * diff and ~190 more languages, and emits class names (`hljs-keyword`), which the
 * stylesheet colours for light and dark and which a strict CSP allows (inline
 * `style=` attributes, as Shiki emits, would need 'unsafe-inline').
 */

import GithubSlugger from 'github-slugger'
import hljs from 'highlight.js'
import { Marked, Renderer, type Tokens } from 'marked'
import markedFootnote from 'marked-footnote'
import type { TocEntry } from '../../src/shared/schema.ts'
import { escapeHtml } from './html.ts'

export interface RenderedMarkdown {
  html: string
  toc: TocEntry[]
}

interface RenderState {
  slugger: GithubSlugger
  toc: TocEntry[]
}

let state: RenderState = { slugger: new GithubSlugger(), toc: [] }

/** Highlights code when highlight.js knows the language; plain, escaped code otherwise. */
export function highlight(code: string, lang: string | undefined): string {
  const name = (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? ''
  const language = name && hljs.getLanguage(name) ? name : ''
  const body = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code)
  const cls = name ? ` class="hljs language-${escapeHtml(name)}"` : ' class="hljs"'
  // tabindex: a box that scrolls must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable).
  return `<pre tabindex="0"><code${cls}>${body}</code></pre>\n`
}

/** Plain text of inline tokens, for heading ids and the table of contents. */
function plainText(tokens: Tokens.Generic[] | undefined): string {
  return (tokens ?? [])
    .map((t) => ('tokens' in t && t.tokens ? plainText(t.tokens) : t.type === 'html' ? '' : (t as { text?: string }).text ?? ''))
    .join('')
}

const marked = new Marked({ gfm: true })
marked.use(markedFootnote({ prefixId: 'fn-', description: 'Footnotes' }))
marked.use({
  renderer: {
    heading({ tokens, depth }) {
      const text = plainText(tokens as Tokens.Generic[]).trim()
      const id = state.slugger.slug(text)
      state.toc.push({ depth, id, text })
      return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`
    },
    code({ text, lang }) {
      return highlight(text, lang)
    },
    table(token) {
      // Wide tables scroll inside their own box (see style.css), so they take keyboard focus like <pre>.
      return Renderer.prototype.table.call(this, token).replace(/^<table>/, '<table tabindex="0">')
    },
    image({ href, title, text }) {
      const t = title ? ` title="${escapeHtml(title)}"` : ''
      return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${t} loading="lazy" decoding="async">`
    },
  },
})

/** Renders one document; heading ids are unique within it. */
export function renderMarkdown(source: string): RenderedMarkdown {
  state = { slugger: new GithubSlugger(), toc: [] }
  const html = marked.parse(source, { async: false })
  return { html, toc: state.toc }
}

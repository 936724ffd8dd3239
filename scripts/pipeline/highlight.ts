/**
 * Code blocks, highlighted at build time with highlight.js (classes such as
 * `hljs-keyword`, which the stylesheet colours and a strict CSP allows).
 *
 * - Rouge's language names that highlight.js spells differently are mapped.
 * - `<lang>-diff` (and `diff-<lang>`) fences, which Jekyll blogs define as
 *   Rouge lexers in _plugins/ (`swift-diff`): the code is highlighted as
 *   <lang> and each `+`/`-` line is wrapped as an addition or deletion, the
 *   classes highlight.js's own `diff` uses.
 * - A language highlight.js does not know is plain, escaped code, and is
 *   reported once per document (`unknown`), never as a warning per block.
 */

import { hljsFor } from './highlight-languages.ts'
import { escapeHtml } from './html.ts'
import { MemoScope } from '../../src/shared/memo-scope.ts'

// Names Jekyll writers use (Rouge's) that highlight.js spells differently.
// Rouge's `shell` is Bash, not highlight.js's prompt-only "Shell Session".
const ALIASES: Record<string, string> = {
  'objective-c': 'objectivec',
  'obj-c': 'objectivec',
  shell: 'bash',
  sh: 'bash',
  zsh: 'bash',
  terminal: 'bash',
  console: 'bash',
  jsonc: 'json',
  text: 'plaintext',
  plain: 'plaintext',
  txt: 'plaintext',
  plaintext: 'plaintext',
}

/** The highlight.js language for a fence's info string, or '' when unknown. */
export function languageOf(name: string): string {
  const lang = ALIASES[name] ?? name
  return lang && hljsFor(lang) ? lang : ''
}

/** `code` highlighted as `language` (one languageOf gave), as highlight.js's full bundle highlights it. */
function hljsHtml(code: string, language: string): string {
  const { hljs, language: canonical } = hljsFor(language)!
  return hljs.highlight(code, { language: canonical, ignoreIllegals: true }).value
}

const DIFF = /^(?:(.+)-diff|diff-(.+))$/

/** Splits highlighted HTML into lines, closing and reopening the spans a line break falls inside. */
function splitLines(html: string): string[] {
  const lines: string[] = []
  const open: string[] = []
  let line = ''
  for (const part of html.split(/(<span[^>]*>|<\/span>|\n)/)) {
    if (part === '\n') {
      lines.push(line + '</span>'.repeat(open.length))
      line = open.join('')
    } else {
      if (part.startsWith('<span')) open.push(part)
      else if (part === '</span>') open.pop()
      line += part
    }
  }
  lines.push(line)
  return lines
}

/** A `+`/`-` diff of code in `language`: each line highlighted as code, marked as added or removed. */
function highlightDiff(code: string, language: string): string {
  const lines = code.replace(/\n$/, '').split('\n')
  const marks = lines.map((l) => (l[0] === '+' || l[0] === '-' || l[0] === ' ' ? l[0] : ''))
  const body = lines.map((l, i) => (marks[i] ? l.slice(1) : l)).join('\n')
  const highlighted = splitLines(language ? hljsHtml(body, language) : escapeHtml(body))
  const out = highlighted.map((h, i) => {
    const mark = marks[i]!
    if (mark === '+') return `<span class="hljs-addition">+${h}</span>`
    if (mark === '-') return `<span class="hljs-deletion">-${h}</span>`
    return `${mark}${h}`
  })
  return out.join('\n')
}

export interface Highlighted {
  html: string
  /** The fence's language when highlight.js knows neither it nor its `-diff` base. */
  unknown?: string
}

/** A block's code and info string, as one memo key. */
const blockKey = (source: string, info: string | undefined) => `${info ?? ''}\u0000${source}`

/** Code blocks highlighted by an earlier render of the file being rendered, and those this render highlighted: withHighlights. */
const blocks = new MemoScope<Highlighted>()

/**
 * `render()` with the file's code blocks as an earlier render highlighted them
 * (`known`), and, when `keep`, every block it highlighted: an edit's file is
 * rendered with its blocks as they were (render.ts keeps them in the render
 * cache), and highlights only those that changed. Loading highlight.js's
 * grammars and compiling them on the worker was ~50 ms of a one-post edit's
 * ~370 (159 posts, the bench's corpus). A block is a pure function of its
 * code and info string, so the HTML is the same either way.
 */
export function withHighlights<T>(known: ReadonlyArray<[string, Highlighted]> | undefined, keep: boolean, render: () => T): { value: T; made?: Array<[string, Highlighted]> } {
  return blocks.run(known, keep, render)
}

/**
 * A code block as HTML. `linenos` in the info string (from
 * `{% highlight lang linenos %}`) adds a line-number gutter.
 */
export function highlight(source: string, info: string | undefined): Highlighted {
  return blocks.active ? blocks.get(blockKey(source, info), () => highlighted(source, info)) : highlighted(source, info)
}

function highlighted(source: string, info: string | undefined): Highlighted {
  const [first = '', ...opts] = (info ?? '').trim().split(/\s+/)
  const name = first.toLowerCase().replace(/\?.*$/, '') // kramdown's `lang?opts`
  const diff = DIFF.exec(name)
  const language = languageOf(diff ? (diff[1] ?? diff[2])! : name)
  // A lexer drops a block's leading blank lines (rouge does, so Jekyll never showed them); plain code keeps them.
  const code = language ? source.replace(/^\n+/, '') : source
  const body = diff ? highlightDiff(code, language) : language ? hljsHtml(code, language) : escapeHtml(code)
  const cls = name ? ` class="hljs language-${escapeHtml(name)}"` : ' class="hljs"'
  const unknown = name && !language ? name : undefined
  // tabindex: a box that scrolls must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable).
  const pre = `<pre tabindex="0"><code${cls}>${body}</code></pre>`
  if (!opts.includes('linenos')) return { html: `${pre}\n`, unknown }
  const count = code.replace(/\n$/, '').split('\n').length
  const gutter = Array.from({ length: count }, (_, i) => i + 1).join('\n')
  return { html: `<div class="code-linenos"><pre class="gutter" aria-hidden="true">${gutter}</pre>${pre}</div>\n`, unknown }
}

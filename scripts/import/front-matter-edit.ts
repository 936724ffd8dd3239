/**
 * Small, textual edits to a file's front matter, so an imported file keeps
 * everything the writer wrote (comments, key order, quoting) and gains only
 * the keys Kumo needs to give it Jekyll's URL and title.
 */

import yaml from 'js-yaml'

const OPEN = /^\uFEFF?---[ \t]*\r?\n/

/** The front matter as data (Jekyll reads a broken block as none, with a warning), and the body after it. */
export function splitFrontMatter(text: string): { data: Record<string, unknown>; body: string; ok: boolean } {
  const open = OPEN.exec(text)
  if (!open) return { data: {}, body: text, ok: true }
  const rest = text.slice(open[0].length)
  const close = /^(?:---|\.\.\.)[ \t]*$/m.exec(rest)
  if (!close) return { data: {}, body: text, ok: false }
  const block = rest.slice(0, close.index)
  const body = rest.slice(close.index + close[0].length).replace(/^\r?\n/, '')
  try {
    const data = yaml.load(block, { schema: yaml.CORE_SCHEMA })
    return { data: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {}, body, ok: true }
  } catch {
    return { data: {}, body, ok: false }
  }
}

/** Sets top-level keys (replacing a line that sets the same key), or adds a front matter block when there is none. */
export function setFrontMatter(text: string, values: Record<string, string | string[]>): string {
  const lines = Object.entries(values).map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
  const open = OPEN.exec(text)
  if (!open) return `---\n${lines.join('\n')}\n---\n${text}`
  let rest = text.slice(open[0].length)
  for (const [key, value] of Object.entries(values)) {
    const close = /^(?:---|\.\.\.)[ \t]*$/m.exec(rest)?.index ?? rest.length
    const block = rest.slice(0, close)
    // A key set on one line only: a multi-line value (`key:` then an indented block) is replaced with the line too.
    const re = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \t]*:.*(?:\\r?\\n[ \t]+.*)*$`, 'm')
    if (re.test(block)) rest = block.replace(re, `${key}: ${JSON.stringify(value)}`) + rest.slice(close)
    else rest = `${key}: ${JSON.stringify(value)}\n${rest}`
  }
  return `${open[0]}${rest}`
}

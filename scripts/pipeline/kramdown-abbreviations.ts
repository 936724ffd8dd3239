/**
 * kramdown's abbreviations (kramdown syntax, "Abbreviations";
 * kramdown/parser/kramdown/abbreviation.rb):
 *
 *   The CSS spec.            <p>The <abbr title="Cascading Style Sheets">CSS</abbr> spec.</p>
 *   *[CSS]: Cascading Style Sheets
 *
 * A definition line (anywhere outside code) is removed; every occurrence of
 * the abbreviation in the body's text, on word boundaries, longest first,
 * becomes an <abbr> with the definition as its title. Code, raw HTML and link
 * URLs are left alone, as kramdown leaves its raw-content elements alone.
 */

import type { Token } from 'marked'
import { escapeHtml } from './html.ts'

const DEFINITION = /^ {0,3}\*\[(.+?)\]:(.*)$/
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/** The source without its abbreviation definitions, and the definitions (abbreviation → title). */
export function takeAbbreviations(source: string): { text: string; abbreviations: Map<string, string> } {
  const abbreviations = new Map<string, string>()
  if (!source.includes('*[')) return { text: source, abbreviations }
  let fence: string | undefined
  const kept = source.split('\n').filter((line) => {
    const open = FENCE.exec(line)?.[1]
    if (fence) {
      if (open && open[0] === fence[0] && open.length >= fence.length && line.trim() === open) fence = undefined
      return true
    }
    if (open) fence = open
    const m = open ? null : DEFINITION.exec(line)
    if (m) abbreviations.set(m[1]!, m[2]!.trim())
    return !m
  })
  return { text: abbreviations.size ? kept.join('\n') : source, abbreviations }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// Tokens whose text is not prose: kramdown's raw-content elements.
const SKIP = new Set(['code', 'codespan', 'html', 'ialBlock'])

/** Wraps each abbreviation in the tokens' text in <abbr> (in place). */
export function applyAbbreviations(tokens: Token[], abbreviations: Map<string, string>): void {
  if (!abbreviations.size) return
  const names = [...abbreviations.keys()].sort((a, b) => b.length - a.length).map(escapeRe)
  // abbreviation.rb: preceded by a non-word character or the start, not followed by a word character.
  const re = new RegExp(`(^|\\W)(${names.join('|')})(?!\\w)`, 'gu')
  walk(tokens, re, abbreviations)
}

function walk(tokens: Token[], re: RegExp, abbreviations: Map<string, string>): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token & { tokens?: Token[]; items?: Array<{ tokens: Token[] }>; header?: Array<{ tokens: Token[] }>; rows?: Array<Array<{ tokens: Token[] }>> }
    if (SKIP.has(t.type)) continue
    if (t.type === 'text' && !t.tokens) {
      const parts = split((t as { text: string }).text, re, abbreviations)
      if (parts) {
        tokens.splice(i, 1, ...parts)
        i += parts.length - 1
      }
      continue
    }
    if (t.tokens) walk(t.tokens, re, abbreviations)
    for (const item of t.items ?? []) walk(item.tokens ?? [], re, abbreviations)
    for (const cell of [...(t.header ?? []), ...(t.rows ?? []).flat()]) walk(cell.tokens, re, abbreviations)
  }
}

/** A text token's text as text and <abbr> tokens; undefined when no abbreviation occurs in it. */
function split(text: string, re: RegExp, abbreviations: Map<string, string>): Token[] | undefined {
  const out: Token[] = []
  let last = 0
  for (const m of text.matchAll(re)) {
    const at = m.index + m[1]!.length
    if (at > last) out.push({ type: 'text', raw: text.slice(last, at), text: text.slice(last, at) })
    const abbr = m[2]!
    const html = `<abbr title="${escapeHtml(abbreviations.get(abbr) ?? '')}">${escapeHtml(abbr)}</abbr>`
    out.push({ type: 'html', raw: html, text: html, block: false, pre: false } as Token)
    last = at + abbr.length
  }
  if (!out.length) return undefined
  if (last < text.length) out.push({ type: 'text', raw: text.slice(last), text: text.slice(last) })
  return out
}

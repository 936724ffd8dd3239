/**
 * marked-footnote's reference tokenizer (`[^label]`) in linear time. Its
 * pattern, `^\[\^([^\]\n]+)\]`, reads from each `[^` to the next `]` or line
 * end, so a long line of `[^` with no `]` (or one `]` at its end) cost the
 * line's length at each: quadratic (issue 15). Here the `]` or line end is
 * found once per stretch (block-memo.ts memoStart), a label no footnote
 * defines is text at once (as marked-footnote answers it), and only a defined
 * one goes to marked-footnote, which makes the same token as before.
 */

import type { Lexer, MarkedExtension, TokenizerExtension, TokenizerThis } from 'marked'
import { memoStart } from './block-memo.ts'

const key = {}
const labelEnd = (src: string): number | undefined => {
  const i = src.search(/[\]\n]/)
  return i < 0 ? undefined : i
}

/** The labels of the footnotes defined so far (marked-footnote's token, first in the lexer's tokens); undefined if it is not there. */
const labelSets = new WeakMap<object, { count: number; labels: Set<string> }>()
function definedLabels(lexer: Lexer): Set<string> | undefined {
  const items = (lexer.tokens?.[0] as { rawItems?: Array<{ label: string }> } | undefined)?.rawItems
  if (!Array.isArray(items)) return undefined
  let known = labelSets.get(items)
  if (!known || known.count !== items.length) {
    known = { count: items.length, labels: new Set(items.map((item) => item.label)) }
    labelSets.set(items, known)
  }
  return known.labels
}

/** `footnotes` (marked-footnote's extension) with its reference tokenizer bounded. */
export function boundedFootnoteRefs(footnotes: MarkedExtension): MarkedExtension {
  const extensions = footnotes.extensions?.map((ext) => {
    if (ext.name !== 'footnoteRef' || !('tokenizer' in ext) || !ext.tokenizer) return ext
    const original = ext.tokenizer as TokenizerExtension['tokenizer']
    const tokenizer: TokenizerExtension['tokenizer'] = function (this: TokenizerThis, src, tokens) {
      if (!src.startsWith('[^')) return undefined
      const end = memoStart(this.lexer, src, key, labelEnd)
      if (end === undefined || end < 3 || src[end] !== ']') return undefined
      const labels = definedLabels(this.lexer)
      if (labels && !labels.has(src.slice(2, end))) return undefined
      return original.call(this, src.slice(0, end + 1), tokens)
    }
    return { ...ext, tokenizer }
  })
  return { ...footnotes, extensions }
}

/**
 * Strikethrough (kramdown-parser-gfm gfm.rb STRIKETHROUGH_MATCH): `~~` only;
 * one `~` is text (`1~2 天` stays as written). marked-cjk-friendly finds the
 * closer, so that `~~` beside CJK punctuation (`~~删除。~~后`) strikes through
 * as it does in Jekyll, where CommonMark's flanking rules would not.
 *
 * Its closer search runs from each `~~` to the end of the paragraph when no
 * closer balances it, so a paragraph of thousands of unclosable openers
 * (`~~a ~~a … b~~`) cost time quadratic in its length (issue 15). As in
 * kramdown-emphasis.ts, one document has a budget of characters the searches
 * may step over; a strikethrough is usually a few words long, so real posts use
 * a small share. Past the budget, `~~` is text.
 */

import markedCjkFriendly from 'marked-cjk-friendly'
import type { MarkedExtension, Tokenizer, Tokens } from 'marked'

type Del = (this: Tokenizer, src: string, maskedSrc: string, prevChar?: string) => Tokens.Del | false | undefined

const cjkDel = markedCjkFriendly().tokenizer!.del as Del

const BUDGET = 1_000_000
let budget = BUDGET

export const kramdownStrike: MarkedExtension = {
  tokenizer: {
    del(src, maskedSrc, prevChar) {
      if (!src.startsWith('~~') || budget <= 0) return undefined
      const token = cjkDel.call(this, src, maskedSrc, prevChar)
      // A match stepped over its own text; a miss searched the rest of the paragraph.
      if (token !== false) budget -= token ? token.raw.length : src.length
      return token
    },
  },
  hooks: {
    preprocess(markdown) {
      budget = BUDGET
      return markdown
    },
  },
}

/**
 * Bounded `start` hints for marked's inline extensions. marked asks every
 * inline extension where its syntax could next start before each plain-text
 * run, passing the rest of the paragraph, so a hint that searches the whole
 * rest (`indexOf('$$')` with no `$$` in it) costs the paragraph's length per
 * run: quadratic in a long paragraph of backticks or asterisks. These hints
 * search a window and, finding nothing, end the text run where marked's own
 * text rule would stop anyway (whitespace, a non-ASCII letter, or one of
 * `\ < ! [ ` * _ ~`), so the tokens come out the same: marked joins the
 * adjacent text runs into one token.
 */

import type { Lexer } from 'marked'
import { memoStart } from './block-memo.ts'

const WINDOW = 1024
const TEXT_STOP = /[\s\\<![`*_~]|[^\x00-\x7f]/g

export function boundedStart(find: (src: string) => number): (this: { lexer?: Lexer }, src: string) => number | undefined {
  const hint = (src: string): number | undefined => {
    if (src.length <= WINDOW) {
      const i = find(src)
      return i >= 0 ? i : undefined
    }
    TEXT_STOP.lastIndex = WINDOW
    const stop = TEXT_STOP.exec(src)
    // One character past the stop, so that a two-character start ending there is found.
    const end = stop ? stop.index + 1 : src.length
    const i = find(src.slice(0, end))
    if (i >= 0) return i
    return stop ? stop.index : undefined
  }
  // Memoised per inline text (block-memo.ts memoStart): marked's own text rule also stops where
  // this one does not (before `http://`, an e-mail address), and each of a line of such runs
  // (`http://:http://:…`) would read the rest of the line to the same answer.
  const key = {}
  return function (src) {
    return memoStart(this.lexer, src, key, hint)
  }
}

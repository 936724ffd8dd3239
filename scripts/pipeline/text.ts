/**
 * CJK-aware text measures: excerpts cut by grapheme (never mid-surrogate or
 * mid-emoji) and reading time that counts each CJK character as a word.
 */

// Made on first use: the first Intl object of a thread costs ~8 ms of ICU start-up, and most excerpts need none (COMPLEX, below).
let segmenter: Intl.Segmenter | undefined

// Han, Hiragana, Katakana and Hangul: each character reads as a word.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu
const LATIN_WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu

// Anything outside these ranges (surrogates, combining marks, ZWJ, variation
// selectors, CR, Hangul jamo, Indic scripts…) may join units into one grapheme.
const COMPLEX = /[^\x20-\x7E\n\t\u00A0-\u02FF\u2000-\u200B\u2010-\u2027\u3000-\u3029\u3030-\u303F\u4E00-\u9FFF\uFF01-\uFF5E]/

/** At most `max` graphemes of `text`, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  // A grapheme is at least one UTF-16 unit: a text no longer than `max` units fits.
  if (text.length <= max) return text
  // Common case, ASCII/Latin/CJK without combining marks: one unit is one grapheme.
  if (!COMPLEX.test(text.slice(0, max + 1))) return `${text.slice(0, max).trimEnd()}…`
  // Segment a window, not the whole text (posts run to many KB). The window's last
  // segment may be a grapheme cut in two, so it is trusted only when one follows it.
  const window = text.slice(0, max * 8)
  const cut = take(window, max)
  if (cut !== undefined || window.length === text.length) return cut ?? window
  return take(text, max) ?? text
}

/** `max` graphemes plus an ellipsis when more follow in `text`; undefined if `text` has no more than `max`. */
function take(text: string, max: number): string | undefined {
  let out = ''
  let count = 0
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  for (const { segment } of segmenter.segment(text)) {
    if (count === max) return `${out.trimEnd()}…`
    out += segment
    count++
  }
  return undefined
}

// Runs, not characters, and native replace rather than a match per character:
// this keeps long Chinese texts cheap.
const CJK_RUN = new RegExp(`${CJK.source}+`, 'gu')
// CJK Extensions B and later are astral: two UTF-16 units, one character.
const ASTRAL_CJK = /[\u{20000}-\u{3FFFF}]/gu

/**
 * Minutes to read: CJK at ~500 characters a minute and other words at ~200,
 * the rates of Hugo's and jekyll-reading-time's CJK modes. At least 1.
 */
export function readingMinutes(text: string): number {
  const rest = text.replace(CJK_RUN, ' ')
  const runs = text.length - text.replace(CJK_RUN, '').length
  const astral = /[\uD840-\uD8BF]/.test(text) ? (text.match(ASTRAL_CJK)?.length ?? 0) : 0
  const cjk = runs - astral
  const words = rest.match(LATIN_WORD)?.length ?? 0
  return Math.max(1, Math.round(cjk / 500 + words / 200))
}

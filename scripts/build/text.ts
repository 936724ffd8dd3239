/**
 * CJK-aware text measures: excerpts cut by grapheme (never mid-surrogate or
 * mid-emoji) and reading time that counts each CJK character as a word.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

// Han, Hiragana, Katakana and Hangul: each character reads as a word.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu
const LATIN_WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu

/** At most `max` graphemes of `text`, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  let out = ''
  let count = 0
  for (const { segment } of segmenter.segment(text)) {
    if (count === max) return `${out.trimEnd()}…`
    out += segment
    count++
  }
  return out
}

/**
 * Minutes to read: CJK at ~500 characters a minute and other words at ~200,
 * the rates of Hugo's and jekyll-reading-time's CJK modes. At least 1.
 */
export function readingMinutes(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0
  const words = text.replace(CJK, ' ').match(LATIN_WORD)?.length ?? 0
  return Math.max(1, Math.round(cjk / 500 + words / 200))
}

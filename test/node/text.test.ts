// CJK-aware text: excerpts cut by grapheme, reading time at CJK 500/min and Latin 200/min.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { htmlToText } from '../../scripts/pipeline/html.ts'
import { readingCounts, readingMinutes, truncate } from '../../scripts/pipeline/text.ts'

const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment)
const isWellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)

describe('truncate', () => {
  it('keeps short text whole and marks a cut with an ellipsis', () => {
    expect(truncate('短文', 5)).toBe('短文')
    expect(truncate('一二三四五六', 3)).toBe('一二三…')
    expect(truncate('hello world again', 6)).toBe('hello…')
  })

  it.each([
    ['astral CJK (surrogate pairs)', '𠀀𠀁𠀂𠀃', 2, '𠀀𠀁…'],
    ['emoji with skin tone', '👍🏽👍🏽👍🏽', 2, '👍🏽👍🏽…'],
    ['ZWJ family', '👨‍👩‍👧x👨‍👩‍👧', 1, '👨‍👩‍👧…'],
    ['flags', '🇨🇳🇯🇵🇺🇸', 2, '🇨🇳🇯🇵…'],
    ['combining accents', 'e\u0301e\u0301e\u0301', 2, 'e\u0301e\u0301…'],
    ['a long ASCII run before an emoji', `${'a'.repeat(159)}👍🏽b`, 160, `${'a'.repeat(159)}👍🏽…`],
  ])('never splits %s', (_, text, max, expected) => {
    expect(truncate(text, max)).toBe(expected)
  })

  it('agrees with a full grapheme segmentation on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 1, max: 200 }), (text, max) => {
        const all = graphemes(text)
        const out = truncate(text, max)
        expect(isWellFormed(out)).toBe(true)
        if (all.length <= max) expect(out).toBe(text)
        else expect(out).toBe(`${all.slice(0, max).join('').trimEnd()}…`)
      }),
      { numRuns: 300 },
    )
  })
})

describe('readingMinutes', () => {
  it('reads CJK at 500 characters a minute', () => {
    expect(readingMinutes('字'.repeat(1500))).toBe(3)
    expect(readingMinutes('𠀀'.repeat(1000))).toBe(2) // astral Han counts once, not twice
    expect(readingMinutes('かな'.repeat(500) + '한국'.repeat(250))).toBe(3)
  })

  it('reads Latin words at 200 a minute', () => {
    expect(readingMinutes('word '.repeat(1000))).toBe(5)
    expect(readingMinutes("don't stop-gap 2025 ".repeat(200))).toBe(3)
  })

  it('adds the two in mixed text and is at least one minute', () => {
    expect(readingMinutes(`${'中文'.repeat(500)} ${'Swift '.repeat(400)}`)).toBe(4)
    expect(readingMinutes('')).toBe(1)
  })
})

describe('htmlToText', () => {
  it('joins inline elements to their neighbours and separates blocks', () => {
    expect(htmlToText('<p>从冯骥<a href="x">在社交媒体上</a>将 R1 <em>定义</em>为</p><p>下一段</p>')).toBe('从冯骥在社交媒体上将 R1 定义为 下一段')
    expect(htmlToText('<li>one</li><li>two</li>')).toBe('one two')
  })
})

describe('readingCounts', () => {
  // The definition, as regular expressions over the whole text: runs of CJK characters, and words in what is left.
  const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu
  const byRegex = (text: string) => {
    const runs = new RegExp(`${CJK.source}+`, 'gu')
    const astral = text.match(/[\u{20000}-\u{3FFFF}]/gu)?.length ?? 0
    return {
      cjk: text.length - text.replace(runs, '').length - astral,
      words: text.replace(runs, ' ').match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)?.length ?? 0,
    }
  }
  // Characters from every class the count tells apart, lone surrogates included.
  const pieces = ['a', 'Z', '7', 'é', 'e\u0301', "'", '’', '-', ' ', '.', '字', '𠀀', '𪚥', '\u{2A6DF}', 'か', 'カ', '한', 'ー', '々', '〇', '，', '٣', 'Ж', '𝐀', '👍🏽', '\uD840', '\uDC00', '\u{30000}', '\n']
  it('counts as the regular expressions do, on any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 80 }), (parts) => {
        const text = parts.join('')
        expect(readingCounts(text)).toEqual(byRegex(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('counts a post as they do', () => {
    const post = `Swift 的 async/await 让代码更清晰。${'我们在 2025 年重写了 don’t-stop 模块，'.repeat(50)}かなカナ한국어 𠀀𠀁`
    expect(readingCounts(post)).toEqual(byRegex(post))
    // By hand: 的 让代码更清晰 (7), 我们在 年重写了 模块 (9) × 50, かなカナ 한국어 𠀀𠀁 (9); Swift async await, then 2025 don’t-stop × 50.
    expect(readingCounts(post)).toEqual({ cjk: 466, words: 103 })
  })
})

/**
 * The search tokenizer, shared by the build (which indexes posts) and the
 * worker (which tokenizes queries and highlights snippets): both sides must cut
 * text into exactly the same terms, or a query never meets its posts.
 *
 * - CJK (Han, Hiragana, Katakana, Hangul) runs become single characters plus
 *   overlapping character bigrams, the approach of Elasticsearch's `cjk_bigram`
 *   filter with `output_unigrams: true`: no dictionary, and any word of two or
 *   more characters is found by its bigrams (`大模型` → 大模, 模型). Bigrams never
 *   cross punctuation, spaces or Latin text, so `国运` in `以及国运。` still meets
 *   the query `国运`, and a query with or without the comma finds the same run.
 * - Other letters and digits become words: NFKC (full-width `ＤｅｅｐＳｅｅｋ` →
 *   `DeepSeek`), lower-cased, diacritics folded (`café` → `cafe`), apostrophes
 *   dropped (`Swift's` → `swift`). No stemming: `actor` and `actors` differ.
 *
 * Every token keeps its offsets in the original string, so the worker can mark
 * matched text in a snippet without re-deriving it.
 */

const CJK_CHAR = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`

/**
 * What a code point is to the tokenizer: part of a CJK run, part of a word
 * (a letter, digit or mark outside CJK), an apostrophe (inside a word when a
 * word character follows it), or neither. Runs are cut by a scan over code
 * units with each kind looked up, not by one regular expression over the
 * text, which matched \p{…} classes with a lookahead per character: over the
 * 159 posts of the real-shaped corpus (716 K characters, best of 7), every
 * term visited took 59 ms that way and 27 ms by the scan, and counted into a
 * Map as the index counts them 104 and 53 ms.
 */
const CJK = 1
const WORD = 2
const APOSTROPHE_MARK = 3
const OTHER = 4

const CJK_CHAR_ONE = new RegExp(`^[${CJK_CHAR}]$`, 'u')
const WORD_CHAR_ONE = /^[\p{L}\p{N}\p{M}]$/u

function kindOf(char: string): number {
  if (CJK_CHAR_ONE.test(char)) return CJK
  if (WORD_CHAR_ONE.test(char)) return WORD
  return char === "'" || char === '’' ? APOSTROPHE_MARK : OTHER
}

/**
 * Kinds of the BMP's code units, each worked out once per isolate (0: not
 * yet). Astral code points are rare and worked out each time: a table of
 * them would grow with every query the worker is sent.
 */
const BMP_KINDS = new Uint8Array(0x10000)

/** 2 where a surrogate pair starts at `i`, else 1: a lone surrogate is a code point of its own, as a `u` regular expression reads it. */
function widthAt(text: string, i: number): number {
  const unit = text.charCodeAt(i)
  if (unit < 0xd800 || unit > 0xdbff) return 1
  const low = text.charCodeAt(i + 1)
  return low >= 0xdc00 && low <= 0xdfff ? 2 : 1
}

function kindAt(text: string, i: number): number {
  const unit = text.charCodeAt(i)
  if (widthAt(text, i) === 1) return BMP_KINDS[unit] || (BMP_KINDS[unit] = kindOf(text[i]!))
  return kindOf(text.slice(i, i + 2))
}

/** Where the run of `kind` that starts at `i` ends. */
function runEnd(text: string, i: number, kind: number): number {
  let j = i
  while (j < text.length && kindAt(text, j) === kind) j += widthAt(text, j)
  return j
}

/**
 * Each raw run of `text`, in order: a CJK run, or a word (word characters,
 * with apostrophes between them: `Swift's`, never a leading or trailing one).
 */
function scan(text: string, onCjk: (run: string, start: number) => void, onWord: (raw: string, start: number) => void): void {
  for (let i = 0; i < text.length; ) {
    const kind = kindAt(text, i)
    if (kind === CJK) {
      const end = runEnd(text, i, CJK)
      onCjk(text.slice(i, end), i)
      i = end
    } else if (kind === WORD) {
      let end = runEnd(text, i, WORD)
      while (end + 1 < text.length && kindAt(text, end) === APOSTROPHE_MARK && kindAt(text, end + 1) === WORD) end = runEnd(text, end + 1, WORD)
      onWord(text.slice(i, end), i)
      i = end
    } else i += widthAt(text, i)
  }
}

const NON_ASCII = /[^\x00-\x7f]/
const MARKS = /\p{M}/gu
/** Longer "words" are hashes, base64 or URLs run together: noise in an index. */
const MAX_WORD = 40

export interface Token {
  term: string
  /** UTF-16 offsets into the original text. */
  start: number
  end: number
}

/** A query's unit: one Latin word, or the terms of one CJK run. */
export interface QueryUnit {
  kind: 'word' | 'cjk'
  terms: string[]
}

/** Lower-cased, NFKC, diacritics folded, apostrophes and a possessive `'s` dropped. */
export function normaliseWord(word: string): string {
  // ASCII is its own NFKC and has no marks to fold: most words of most posts skip both.
  let w = NON_ASCII.test(word) ? word.normalize('NFKC').toLowerCase() : word.toLowerCase()
  if (NON_ASCII.test(w)) w = w.normalize('NFD').replace(MARKS, '').normalize('NFC')
  return APOSTROPHE.test(w) ? w.replace(/['’]s$/, '').replace(/['’]/g, '') : w
}

const APOSTROPHE = /['’]/

/**
 * A CJK run's characters as terms: NFKC maps compatibility ideographs
 * (U+F900…) and half-width kana onto their usual forms; almost every run is
 * already normal, so the run is checked once.
 */
function cjkForm(run: string): (ch: string) => string {
  return run.normalize('NFKC') === run ? (ch) => ch : (ch) => ch.normalize('NFKC')
}

function cjkChars(run: string, offset: number): Token[] {
  const chars: Token[] = []
  const form = cjkForm(run)
  let at = offset
  for (const ch of run) {
    chars.push({ term: form(ch), start: at, end: at + ch.length })
    at += ch.length
  }
  return chars
}

/**
 * Visits each raw run of `text` in order: a CJK run as it stands, with its
 * offset, a word normalised. The single walk `tokenize`, `forEachTerm` and
 * `queryUnits` build on.
 */
function walk(text: string, onCjk: (run: string, start: number) => void, onWord: (token: Token) => void): void {
  scan(text, onCjk, (raw, start) => {
    const term = normaliseWord(raw)
    if (term && term.length <= MAX_WORD) onWord({ term, start, end: start + raw.length })
  })
}

/**
 * The terms `tokenize` gives, in its order, without their offsets: what the
 * build's index counts (search-index.ts). No token objects are made, which
 * for a post of some thousand CJK characters is most of tokenize's work.
 */
export function forEachTerm(text: string, visit: (term: string) => void): void {
  walk(
    text,
    (run) => {
      // As tokenize: each character, then its bigram with the next (c0, c0c1, c1, c1c2, c2, …).
      const form = cjkForm(run)
      let prev: string | undefined
      for (const ch of run) {
        const c = form(ch)
        if (prev !== undefined) visit(prev + c)
        visit(c)
        prev = c
      }
    },
    (token) => visit(token.term),
  )
}

/** Every index term of `text`, with offsets: words, CJK characters and CJK bigrams. */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  walk(
    text,
    (run, start) => {
      const chars = cjkChars(run, start)
      chars.forEach((c, i) => {
        out.push(c)
        const next = chars[i + 1]
        if (next) out.push({ term: c.term + next.term, start: c.start, end: next.end })
      })
    },
    (token) => out.push(token),
  )
  return out
}

const CJK_ONE = new RegExp(`^[${CJK_CHAR}]`, 'u')

/**
 * The places in `text` where any of `terms` occurs, as `tokenize` would find
 * them, without tokenizing all of it: a snippet needs the few matches, not the
 * thousands of CJK characters and bigrams around them. (CJK compatibility
 * ideographs are compared as written, so they are indexed but not marked.)
 */
export function findTerms(text: string, terms: Set<string>): Token[] {
  const firsts = new Set<number>()
  for (const t of terms) if (CJK_ONE.test(t)) firsts.add(t.codePointAt(0)!)
  const out: Token[] = []
  const onCjk = (run: string, at: number) => {
    for (let i = 0; firsts.size && i < run.length; ) {
      const cp = run.codePointAt(i)!
      const width = cp > 0xffff ? 2 : 1
      if (firsts.has(cp)) {
        const ch = run.slice(i, i + width)
        const start = at + i
        if (terms.has(ch)) out.push({ term: ch, start, end: start + width })
        const next = run.codePointAt(i + width)
        if (next !== undefined) {
          const bigram = ch + String.fromCodePoint(next)
          if (terms.has(bigram)) out.push({ term: bigram, start, end: start + bigram.length })
        }
      }
      i += width
    }
  }
  scan(text, onCjk, (raw, start) => {
    const term = normaliseWord(raw)
    if (terms.has(term)) out.push({ term, start, end: start + raw.length })
  })
  return out
}

/** Search operators people type out of habit; alone they name nothing to find. */
const OPERATORS = new Set(['AND', 'OR', 'NOT'])

/**
 * A query as units: each word one unit; each CJK run one unit of its bigrams
 * (or its single character). Unigrams of a longer run are left out of the
 * query: the bigrams already say which characters sit together, and fewer
 * terms mean fewer shards to read. Upper-case AND/OR/NOT are dropped.
 */
export function queryUnits(query: string): QueryUnit[] {
  const units: QueryUnit[] = []
  walk(
    query,
    (run, start) => {
      const chars = cjkChars(run, start)
      const terms = chars.length === 1 ? [chars[0]!.term] : chars.slice(1).map((c, i) => chars[i]!.term + c.term)
      units.push({ kind: 'cjk', terms: [...new Set(terms)] })
    },
    (token) => {
      if (!OPERATORS.has(query.slice(token.start, token.end))) units.push({ kind: 'word', terms: [token.term] })
    },
  )
  return units
}

/** FNV-1a over UTF-16 code units: cheap, stable, and the same in Node and workerd. */
export function termHash(term: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Which of `shards` shards holds a term's postings. */
export const shardOf = (term: string, shards: number): number => termHash(term) % shards

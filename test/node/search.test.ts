// The search tokenizer, postings codec, query planning and the build's index (node side).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { build } from '../../scripts/build/index.ts'
import type { Post } from '../../scripts/build/posts.ts'
import { analyse } from '../../scripts/build/search-index.ts'
import { MAX_SHARDS, parseQuery, selectTerms, snippet } from '../../src/search/index.ts'
import { DOCS_RECORD, WEIGHTS, decodePostings, encodePostings, postingsIn, shardRecord, type SearchDocsRecord, type SearchShardRecord } from '../../src/shared/search.ts'
import { findTerms, queryUnits, shardOf, tokenize } from '../../src/shared/tokenize.ts'
import { recordAt } from '../../src/data/resolve.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'

const terms = (text: string) => tokenize(text).map((t) => t.term)

describe('tokenize', () => {
  it('cuts CJK into characters and bigrams that never cross punctuation or Latin text', () => {
    expect(terms('大模型')).toEqual(['大', '大模', '模', '模型', '型'])
    expect(terms('竞争，以及')).toEqual(['竞', '竞争', '争', '以', '以及', '及'])
    expect(terms('R1开源')).toEqual(['r1', '开', '开源', '源'])
  })

  it('normalises Latin words: case, width, diacritics, apostrophes', () => {
    expect(terms("DeepSeek ＤＥＥＰＳＥＥＫ Café naïve Swift's don't")).toEqual(['deepseek', 'deepseek', 'cafe', 'naive', 'swift', 'dont'])
  })

  it('keeps kana voicing marks (no diacritic folding for CJK) and handles astral Han', () => {
    expect(terms('が')).toEqual(['が'])
    expect(terms('𠮷野')).toEqual(['𠮷', '𠮷野', '野'])
  })

  it('gives offsets that slice back to the matched text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        for (const t of tokenize(s)) {
          expect(t.start).toBeGreaterThanOrEqual(0)
          expect(t.end).toBeLessThanOrEqual(s.length)
          expect(s.slice(t.start, t.end).length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('turns a query into units: words, and CJK runs as bigrams; operators dropped', () => {
    expect(queryUnits('DeepSeek 国运 AND 大')).toEqual([
      { kind: 'word', terms: ['deepseek'] },
      { kind: 'cjk', terms: ['国运'] },
      { kind: 'cjk', terms: ['大'] },
    ])
  })
})

describe('query checks', () => {
  it('names empty, overlong and operator-only queries', () => {
    expect(parseQuery(undefined)).toMatchObject({ ok: false, problem: 'empty' })
    expect(parseQuery(' \t ')).toMatchObject({ ok: false, problem: 'empty' })
    expect(parseQuery('😀'.repeat(200))).toMatchObject({ ok: false, problem: 'no-terms' })
    expect(parseQuery('😀'.repeat(201))).toMatchObject({ ok: false, problem: 'too-long' })
    expect(parseQuery('OR "" -')).toMatchObject({ ok: false, problem: 'no-terms' })
    expect(parseQuery('or')).toMatchObject({ ok: true })
  })

  it('never plans more than 8 shards, and keeps part of every unit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 4096 }), (words, shards) => {
        const units = queryUnits(words.join(' '))
        if (!units.length) return
        const plan = selectTerms(units, shards)
        expect(plan.shardIds.length).toBeLessThanOrEqual(MAX_SHARDS)
        expect(new Set(plan.perUnit.flat().map((t) => shardOf(t, shards)))).toEqual(new Set(plan.shardIds))
        if (units.length <= MAX_SHARDS) for (const terms of plan.perUnit) expect(terms.length).toBeGreaterThan(0)
      }),
    )
  })
})

describe('postings', () => {
  it('round-trips ids and term frequencies', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(100_000), { maxLength: 200 }), fc.nat(50), (raw, extra) => {
        const ids = [...raw].sort((a, b) => a - b)
        const tfs = ids.map((id) => (id % 7) + 1)
        const p = { df: ids.length + extra, ids, tfs }
        expect(decodePostings(encodePostings(p))).toEqual(p)
      }),
    )
  })
})

describe('snippet', () => {
  it('centres on the matches, marks them, and never splits a surrogate pair', () => {
    const text = `${'𠮷'.repeat(100)}前文 国运 后文${'𠮷'.repeat(100)}`
    const segs = snippet(text, new Set(['国运']))
    expect(segs.filter(([, hit]) => hit).map(([t]) => t)).toEqual(['国运'])
    for (const [t] of segs) expect(t).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/)
  })
})

describe('the build index', () => {
  it('indexes only the posts visible in each epoch, through the manifest schedule', async () => {
    const { manifest, blobs } = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
    const table = (at: number) => JSON.parse(blobs.get(recordAt(manifest, DOCS_RECORD, at)!)!) as SearchDocsRecord
    const base = table(FIXTURE_NOW.getTime()).docs.map((d) => d[0])
    expect(base).toContain('/2025/01/deepseek-ai/')
    expect(base).not.toContain('/2025/06/published-later/')
    expect(base).not.toContain('/2099/01/far-future/')
    const later = table(Date.parse('2025-07-01T00:00:00Z')).docs.map((d) => d[0])
    // A new post appends an id: the ids of older posts do not move.
    expect(later).toEqual([...base, '/2025/06/published-later/'])
    expect(table(Date.parse('2100-01-01T00:00:00Z')).docs.at(-1)![0]).toBe('/2099/01/far-future/')
    // Every term sits in the shard its hash names.
    const { shards } = table(0)
    for (let n = 0; n < shards; n++) {
      const shard = JSON.parse(blobs.get(recordAt(manifest, shardRecord(n), 0)!)!) as SearchShardRecord
      const terms = [...shard.data.matchAll(/\n([^\t]+)\t/g)].map((m) => m[1]!)
      expect(terms.length).toBeGreaterThan(0)
      for (const term of terms) {
        expect(shardOf(term, shards)).toBe(n)
        expect(postingsIn(shard, term)).toMatch(/^[0-9a-z]+;[0-9a-z.,]+$/)
      }
    }
  })
})

describe('findTerms', () => {
  it('finds exactly the query terms that tokenize would produce', () => {
    const alphabet = fc.constantFrom(...'国运开源大模型 DeepSeek Café，。a-b'.split(''), '𠮷')
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((a) => a.join('')), (text, query) => {
        const wanted = new Set(queryUnits(query).flatMap((u) => u.terms))
        const expected = tokenize(text).filter((t) => wanted.has(t.term))
        const key = (t: { term: string; start: number }) => `${t.start}:${t.term}`
        expect(findTerms(text, wanted).map(key).sort()).toEqual(expected.map(key).sort())
      }),
      { numRuns: 1000 },
    )
  })
})

describe('field weights', () => {
  const post = (title: string, tags: string[], html: string) =>
    ({ title, tags: tags.map((name) => ({ name, slug: name })), categories: [], html }) as unknown as Post

  it('counts a title word 5× prose, a tag 3×, and code half of prose', () => {
    const tf = analyse(post('Kernel', ['kernel'], '<p>kernel</p><pre><code>kernel kernel</code></pre>')).tf
    expect(tf.get('kernel')).toBe(WEIGHTS.title + WEIGHTS.tag + WEIGHTS.body + 2 * WEIGHTS.code)
    expect(WEIGHTS.title).toBe(5 * WEIGHTS.body)
    expect(WEIGHTS.tag).toBe(3 * WEIGHTS.body)
    expect(WEIGHTS.code * 2).toBe(WEIGHTS.body)
  })

  it('keeps code blocks out of the snippet text', () => {
    const { text } = analyse(post('T', [], '<p>prose here</p><pre><code>let secret = 1</code></pre><p>more prose</p>'))
    expect(text).toBe('prose here more prose')
  })
})

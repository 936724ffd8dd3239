// The search tokenizer, postings codec, query planning and the build's index (node side).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BuildSession, build } from '../../scripts/pipeline/index.ts'
import type { Post } from '../../scripts/pipeline/posts.ts'
import { COMPACT_AT, MAX_POSTINGS, analyse, type SearchBase } from '../../scripts/pipeline/search-index.ts'
import { SHARDS_PER_QUERY, parseQuery, selectTerms, snippet } from '../../src/search/index.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import {
  DELTA_RECORD,
  DOCS_RECORD,
  FINGERPRINT_CHARS,
  WEIGHTS,
  decodePostings,
  encodePostings,
  forEachPosting,
  postingsIn,
  shardRecord,
  type SearchDeltaRecord,
  type SearchDocsRecord,
  type SearchShardRecord,
} from '../../src/shared/search.ts'
import { findTerms, forEachTerm, normaliseWord, queryUnits, shardOf, tokenize } from '../../src/shared/tokenize.ts'
import { DELTA_EDIT, FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

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

  it('normalises an ASCII word as the full path would (NFKC, lower case, apostrophes)', () => {
    const full = (w: string) => w.normalize('NFKC').toLowerCase().replace(/['’]s$/, '').replace(/['’]/g, '')
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."aZ9'’sS".split('')), maxLength: 12 }), (w) => {
        expect(normaliseWord(w)).toBe(full(w))
      }),
      { numRuns: 1000 },
    )
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

  it("gives the build's index the same terms in the same order without offsets (forEachTerm)", () => {
    const alphabet = fc.constantFrom(...'国运开源大模型 DeepSeek ＤＥＥＰ Café naïve Swift\'s don’t，。a-b9がｶﾞ'.split(''), '𠮷', '\uF900', 'e\u0301')
    const each = (text: string) => {
      const out: string[] = []
      forEachTerm(text, (t) => out.push(t))
      return out
    }
    fc.assert(
      fc.property(fc.oneof(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')), fc.string({ unit: 'grapheme', maxLength: 60 })), (text) => {
        expect(each(text)).toEqual(terms(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('cuts text into the runs one regular expression over it finds (its definition), on any text', () => {
    // The tokenizer's runs as first written: a CJK run, or letters, digits and marks with inner apostrophes.
    const cjk = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`
    const token = new RegExp(String.raw`([${cjk}]+)|((?:(?![${cjk}])[\p{L}\p{N}\p{M}])+(?:['’](?:(?![${cjk}])[\p{L}\p{N}\p{M}])+)*)`, 'gu')
    const byRegex = (text: string) =>
      [...text.matchAll(token)].flatMap((m) => {
        if (m[2] === undefined) {
          const chars = [...m[1]!].map((ch) => ch.normalize('NFKC'))
          return chars.flatMap((c, i) => (i + 1 < chars.length ? [c, c + chars[i + 1]] : [c]))
        }
        const term = normaliseWord(m[2])
        return term && term.length <= 40 ? [term] : []
      })
    const pieces = ['a', 'Z', '7', 'é', 'e\u0301', '\u0301', "'", '’', "''", '-', ' ', '.', '国', '模型', '𠮷', '\u{2A6DF}', 'が', 'ｶﾞ', '한', 'ー', '々', '〇', '，', '٣', 'Ж', '𝐀', '👍🏽', '\uF900', '\uD840', '\uDC00', '\n']
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 60 }), (parts) => {
        const text = parts.join('')
        expect(terms(text)).toEqual(byRegex(text))
      }),
      { numRuns: 3000 },
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
        expect(plan.shardIds.length).toBeLessThanOrEqual(SHARDS_PER_QUERY)
        expect(new Set(plan.perUnit.flat().map((t) => shardOf(t, shards)))).toEqual(new Set(plan.shardIds))
        if (units.length <= SHARDS_PER_QUERY) for (const terms of plan.perUnit) expect(terms.length).toBeGreaterThan(0)
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
  it('holds every post once, scheduled ones with the time they become visible, outside the schedule', async () => {
    const { manifest, blobs } = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
    const table = JSON.parse(blobs.get(manifest.records[DOCS_RECORD]!)!) as SearchDocsRecord
    const from = new Map(table.docs.map((d) => [d[0], d[5]]))
    expect(from.get('/2025/01/deepseek-ai/')).toBe(Date.parse('2025-01-30T15:15:00Z'))
    expect(from.get('/2025/06/published-later/')).toBeGreaterThan(FIXTURE_NOW.getTime())
    expect(from.get('/2099/01/far-future/')).toBeGreaterThan(Date.parse('2099-01-01T00:00:00Z') - 86_400_000)
    // Ids follow publication order, and no schedule step touches the index.
    expect(table.docs.map((d) => d[5])).toEqual([...table.docs.map((d) => d[5])].sort((a, b) => a - b))
    for (const step of manifest.schedule) expect(Object.keys(step.records).filter((n) => n.startsWith('search:'))).toEqual([])
    // A full build: an empty delta, and a fingerprint per doc.
    expect(JSON.parse(blobs.get(manifest.records[DELTA_RECORD]!)!)).toMatchObject({ kind: 'search-delta', removed: [], docs: [], data: '' })
    expect(table.fingerprints).toHaveLength(table.docs.length * FINGERPRINT_CHARS)
    // Every term sits in the shard its hash names.
    const { shards } = table
    for (let n = 0; n < shards; n++) {
      const shard = JSON.parse(blobs.get(manifest.records[shardRecord(n)]!)!) as SearchShardRecord
      const terms = [...shard.data.matchAll(/\n([^\t]+)\t/g)].map((m) => m[1]!)
      expect(terms.length).toBeGreaterThan(0)
      for (const term of terms) {
        expect(shardOf(term, shards)).toBe(n)
        expect(postingsIn(shard, term)).toMatch(/^[0-9a-z]+;[0-9a-z.,]+$/)
      }
    }
  })

  it("holds each term once, in its shard, with the postings of every post's analysis", async () => {
    const session = new BuildSession()
    const { manifest, blobs } = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW, session })
    const table = JSON.parse(blobs.get(manifest.records[DOCS_RECORD]!)!) as SearchDocsRecord
    const ids = new Map(table.docs.map((d, id) => [d[0], id]))
    // What the postings must be: term → "id:tf" of each post, in id order.
    const expected = new Map<string, string[]>()
    const posts = [...session.posts.values()].filter((p): p is Post => ids.has(p.path) && 'ms' in p).sort((a, b) => ids.get(a.path)! - ids.get(b.path)!)
    expect(posts).toHaveLength(table.docs.length)
    for (const post of posts) {
      const { terms, weights } = analyse(post)
      terms.forEach((term, i) => expected.set(term, [...(expected.get(term) ?? []), `${ids.get(post.path)}:${weights[i]}`]))
    }
    const seen = new Set<string>()
    for (let n = 0; n < table.shards; n++) {
      const shard = JSON.parse(blobs.get(manifest.records[shardRecord(n)]!)!) as SearchShardRecord
      for (const [, term, encoded] of shard.data.matchAll(/\n([^\t]+)\t([^\n]*)/g)) {
        expect(seen.has(term!), term).toBe(false)
        seen.add(term!)
        const got: string[] = []
        const df = forEachPosting(encoded!, (id, tf) => void got.push(`${id}:${tf}`))
        expect(df).toBe(expected.get(term!)!.length)
        if (df <= MAX_POSTINGS) expect(got, term).toEqual(expected.get(term!))
      }
    }
    expect(seen.size).toBe(expected.size)
  })
})

describe('the delta against a base', () => {
  const tempDir = useTempDirs('kumo-search-')
  const names = (m: Manifest) => Object.fromEntries(Object.entries(m.records).filter(([n]) => n.startsWith('search:')))

  async function fixtureCopy(): Promise<string> {
    const dir = await tempDir()
    await cp(FIXTURE_CONTENT, dir, { recursive: true })
    return dir
  }
  const edit = async (dir: string, file: string, change: (t: string) => string) => {
    const path = join(dir, 'posts', file)
    await writeFile(path, change(await readFile(path, 'utf8')))
  }
  const at = (contentDir: string, searchBase?: SearchBase) => build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, searchBase })

  it('puts only the edited post in the delta, hides its base copy and reuses every base record', async () => {
    const dir = await fixtureCopy()
    const first = await at(dir)
    await edit(dir, DELTA_EDIT.file, (t) => t.replace(DELTA_EDIT.from, DELTA_EDIT.to))
    const second = await at(dir, { ...first.searchBase, blobs: undefined })
    const before = names(first.manifest)
    const after = names(second.manifest)
    for (const name of Object.keys(before)) if (name !== DELTA_RECORD) expect(after[name]).toBe(before[name])
    expect(after[DELTA_RECORD]).not.toBe(before[DELTA_RECORD])
    const delta = JSON.parse(second.blobs.get(after[DELTA_RECORD]!)!) as SearchDeltaRecord
    expect(delta.docs.map((d) => d[0])).toEqual([DELTA_EDIT.path])
    expect(delta.docs[0]![4]).toContain('zeppelin')
    expect(delta.removed).toEqual([first.searchBase.table.docs.findIndex((d) => d[0] === DELTA_EDIT.path)])
    expect(postingsIn(delta, 'zeppelin')).toBe(`1;${first.searchBase.table.docs.length.toString(36)}.${WEIGHTS.body.toString(36)}`)
    // The base came without its blobs (as a deploy's does): they are named as already in KV, not made again.
    expect(second.external.has(before[DOCS_RECORD]!)).toBe(true)
    expect(second.blobs.has(before[DOCS_RECORD]!)).toBe(false)
    expect(second.summary.search.delta).toBe(1)
  })

  it('gives an unchanged build on its own base the same manifest as the build that made the base', async () => {
    const dir = await fixtureCopy()
    const first = await at(dir)
    const again = await at(dir, first.searchBase)
    expect(again.manifest.buildId).toBe(first.manifest.buildId)
    expect(again.summary.search.delta).toBe(0)
  })

  it('folds the delta into a new base, a build of the content alone, once it passes COMPACT_AT', async () => {
    const dir = await fixtureCopy()
    const first = await at(dir)
    // More new posts than the delta may hold.
    for (let i = 0; i <= COMPACT_AT.docs; i++) {
      await writeFile(join(dir, 'posts', `2021-01-${String((i % 28) + 1).padStart(2, '0')}-extra-${i}.md`), `---\ntitle: Extra ${i}\n---\n\nWords ${i}.\n`)
    }
    const folded = await at(dir, first.searchBase)
    expect(folded.summary.search.delta).toBe(0)
    expect(names(folded.manifest)).toEqual(names((await at(dir)).manifest))
    expect(names(folded.manifest)[DOCS_RECORD]).not.toBe(names(first.manifest)[DOCS_RECORD])
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
    const { terms, weights } = analyse(post('Kernel', ['kernel'], '<p>kernel</p><pre><code>kernel kernel</code></pre>'))
    const tf = new Map(terms.map((term, i) => [term, weights[i]]))
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

// Packs (src/shared/packs.ts, scripts/pipeline/packs.ts): many records in one KV value,
// read back member by member, with a post page still one key.
import { describe, expect, it } from 'vitest'
import { build } from '../../scripts/pipeline/index.ts'
import { blobHash, packHash } from '../../scripts/pipeline/manifest.ts'
import { POSTS_PER_PACK } from '../../scripts/pipeline/packs.ts'
import { blobIntact } from '../../scripts/pipeline/write.ts'
import { linksRecord, metaRecord } from '../../src/shared/keys.ts'
import { memberText, packRef, packText, refBlob, refText } from '../../src/shared/packs.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'

describe('a pack', () => {
  it('gives back each member exactly, and refuses a span past its end', () => {
    const members = ['{"a":1}', '{"b":"多字节 🎉"}', '{"c":[1,2,3]}']
    const { text, offsets } = packText(members)
    members.forEach((m, i) => expect(memberText(text, packRef('h', offsets[i]!, m.length))).toBe(m))
    expect(refBlob(packRef('abc', 3, 4))).toBe('abc')
    expect(memberText('{"whole":true}', 'abc')).toBe('{"whole":true}')
    expect(() => memberText(text, packRef('h', text.length - 2, 5))).toThrow(/past the end/)
    expect(() => memberText(text, 'h@x+1')).toThrow(/<offset>\+<length>/)
  })
})

describe('the fixture build, packed', () => {
  it('keeps a post page one key, its meta apart, and writes fewer values than records', async () => {
    const result = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
    const { routes, records } = result.manifest
    const posts = Object.keys(records).filter((n) => n.startsWith('meta:')).map((n) => n.slice('meta:'.length))
    expect(posts.length).toBeGreaterThan(POSTS_PER_PACK)
    const packs = new Set<string>()
    for (const path of posts) {
      const body = routes[path]![0]
      const links = records[linksRecord(path)]!
      // Body and links in one value: the post page's one bulk read names one key.
      expect(refBlob(links), path).toBe(refBlob(body))
      expect(refBlob(records[metaRecord(path)]!)).not.toBe(refBlob(body))
      expect(JSON.parse(refText(result.blobs, body)!)).toMatchObject({ kind: 'post', path })
      expect(JSON.parse(refText(result.blobs, links)!)).toMatchObject({ kind: 'links' })
      packs.add(refBlob(body))
    }
    expect(packs.size).toBe(Math.ceil(posts.length / POSTS_PER_PACK))
    const members = [...result.blobs.values()].reduce((n, v) => n + v.split('\n').length, 0)
    expect(result.blobs.size).toBeLessThan(members / 2)
  })

  it('names each pack by its members, counts its bytes as its text has them, and the upload check tells a changed one', async () => {
    const result = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
    const packs = [...result.blobs].filter(([, text]) => text.includes('\n'))
    expect(packs.length).toBeGreaterThan(2)
    for (const [hash, text] of packs) {
      const members = text.split('\n')
      expect(hash).toBe(packHash(members.map(blobHash)))
      expect(blobIntact(hash, text)).toBe(true)
      // One byte changed, members in another order, one member dropped: each is refused.
      expect(blobIntact(hash, text.replace(/"kind"/, '"kinD"'))).toBe(false)
      expect(blobIntact(hash, [...members].reverse().join('\n'))).toBe(false)
      expect(blobIntact(hash, members.slice(1).join('\n'))).toBe(false)
    }
    const [plain, json] = [...result.blobs].find(([, text]) => !text.includes('\n'))!
    expect(blobIntact(plain, json)).toBe(true)
    expect(blobIntact(plain, `${json}\n${json}`)).toBe(false)
    const bytes = [...result.blobs.values()].reduce((n, text) => n + Buffer.byteLength(text), 0)
    expect(result.summary.kvBytes).toBe(bytes + Buffer.byteLength(result.encoded))
  })
})

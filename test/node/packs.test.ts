// Packs (src/shared/packs.ts, scripts/pipeline/packs.ts): many records in one KV value,
// read back member by member, with a post page still one key.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../../scripts/pipeline/index.ts'
import { POSTS_PER_PACK } from '../../scripts/pipeline/packs.ts'
import { blobIntact } from '../../scripts/pipeline/write.ts'
import { linksRecord, metaRecord } from '../../src/shared/keys.ts'
import { memberText, packRef, packText, refBlob, refText } from '../../src/shared/packs.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-packs-')

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

  it('names each pack by the hash of its text, as a new process given the last build names does, and counts its bytes as its text has them', async () => {
    const root = await tempDir()
    const cacheDir = join(root, 'cache')
    const run = () => build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir })
    const cold = await run()
    const packs = [...cold.blobs].filter(([, text]) => text.includes('\n'))
    expect(packs.length).toBeGreaterThan(2)
    for (const [hash, text] of packs) expect(blobIntact(hash, text), hash).toBe(true)
    const bytes = [...cold.blobs.values()].reduce((n, text) => n + Buffer.byteLength(text), 0)
    expect(cold.summary.kvBytes).toBe(bytes + Buffer.byteLength(cold.encoded))
    // A new process takes the names from kv-pack-names.json: the same names, the same build.
    const names = JSON.parse(await readFile(join(cacheDir, 'kv-pack-names.json'), 'utf8')) as { packs: Array<[string, string]> }
    // Every pack of the records (the search index's snippet packs are made apart, and hashed each time).
    const named = new Set(names.packs.map(([, hash]) => hash))
    expect([...named].every((hash) => cold.blobs.has(hash))).toBe(true)
    expect(named.size).toBeGreaterThan(packs.length / 2)
    const warm = await run()
    expect(warm.manifest.buildId).toBe(cold.manifest.buildId)
    expect([...warm.blobs].sort()).toEqual([...cold.blobs].sort())
    // A damaged record is no names: every pack is hashed again, to the same names.
    await writeFile(join(cacheDir, 'kv-pack-names.json'), '{"v":1,"packs":[["a","not a hash"]]}')
    expect((await run()).manifest.buildId).toBe(cold.manifest.buildId)
  })
})

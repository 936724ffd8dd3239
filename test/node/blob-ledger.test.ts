// The blob ledger (scripts/pipeline/blob-ledger.ts): a warm build in a new
// process checks kept blobs by a stamp instead of reading them back, and a
// stamp that no longer matches (or a ledger about something else) never keeps
// a wrong file in dist/blobs/.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BlobLedger } from '../../scripts/pipeline/blob-ledger.ts'
import { buildToDisk } from '../../scripts/pipeline/index.ts'
import { blobFile, stampOf } from '../../scripts/pipeline/write.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-ledger-')

async function setup() {
  const root = await tempDir()
  const outDir = join(root, 'dist')
  const cacheDir = join(root, 'cache')
  const run = () => buildToDisk({ contentDir: FIXTURE_CONTENT, outDir, publicDir: join(root, 'public'), now: FIXTURE_NOW, cacheDir })
  return { root, blobs: join(outDir, 'blobs'), cacheDir, run }
}

describe('blob ledger', () => {
  it('stamps every blob a build leaves, so the next one need not read them', async () => {
    const { blobs, cacheDir, run } = await setup()
    const result = await run()
    const ledger = await BlobLedger.open(blobs, cacheDir)
    for (const hash of result.blobs.keys()) expect(ledger.checked(hash, (await stampOf(blobFile(blobs, hash)))!)).toBe(true)
  })

  it('a blob changed after the build is rewritten, though the ledger knew it', async () => {
    const { blobs, run } = await setup()
    const first = await run()
    const [hash, json] = [...first.blobs][0]!
    // Same length, so only the stamp's times tell it apart.
    await writeFile(blobFile(blobs, hash), json.replace(/.$/s, ' '))
    await run()
    expect(await readFile(blobFile(blobs, hash), 'utf8')).toBe(json)
  })

  it('a damaged ledger is an empty one, and the build writes a good one', async () => {
    const { blobs, cacheDir, run } = await setup()
    const first = await run()
    await writeFile(join(cacheDir, 'blobs-ledger.json'), '{"v":1,"dir":')
    const [hash, json] = [...first.blobs][0]!
    await writeFile(blobFile(blobs, hash), json.replace(/.$/s, ' '))
    await run()
    expect(await readFile(blobFile(blobs, hash), 'utf8')).toBe(json)
    const ledger = await BlobLedger.open(blobs, cacheDir)
    expect(ledger.checked(hash, (await stampOf(blobFile(blobs, hash)))!)).toBe(true)
  })

  it('a ledger about another blobs folder says nothing about this one', async () => {
    const { root, blobs, cacheDir, run } = await setup()
    const result = await run()
    const hash = [...result.blobs.keys()][0]!
    const other = await BlobLedger.open(join(root, 'elsewhere'), cacheDir)
    expect(other.checked(hash, (await stampOf(blobFile(blobs, hash)))!)).toBe(false)
  })
})

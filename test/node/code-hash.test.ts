// Hashes of Kumo's own code kept by stat stamps (scripts/pipeline/code-hash.ts):
// a build in a new process takes the renderer's version and the template hash
// back without reading the files, and reads them again as soon as one of them
// is written, added or removed, or the record is damaged.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { filesUnder, hashByStamps } from '../../scripts/pipeline/code-hash.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-code-hash-')

async function setup() {
  const root = await tempDir()
  const files = [join(root, 'a.ts'), join(root, 'b.ts')]
  await writeFile(files[0]!, 'export const a = 1\n')
  await writeFile(files[1]!, 'export const b = 2\n')
  const keptDir = join(root, 'kept')
  let reads = 0
  // Stands for the real hash: counts how often the files are read, and hashes what they hold.
  const hash = async () => {
    reads++
    return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('|')
  }
  return { root, files, keptDir, hash, reads: () => reads }
}

describe('code hashes kept by stamps', () => {
  it('reads the files once, then takes the kept hash while no stamp moved', async () => {
    const { files, keptDir, hash, reads } = await setup()
    const first = await hashByStamps('t', files, hash, keptDir)
    expect(first).toBe('export const a = 1\n|export const b = 2\n')
    expect(await hashByStamps('t', files, hash, keptDir)).toBe(first)
    expect(reads()).toBe(1)
  })

  it('reads them again when one is written, even to the same length', async () => {
    const { files, keptDir, hash, reads } = await setup()
    await hashByStamps('t', files, hash, keptDir)
    await writeFile(files[0]!, 'export const a = 3\n')
    expect(await hashByStamps('t', files, hash, keptDir)).toBe('export const a = 3\n|export const b = 2\n')
    expect(reads()).toBe(2)
  })

  it('reads them again when the set of files differs or a file is gone', async () => {
    const { files, keptDir, hash, reads } = await setup()
    await hashByStamps('t', files, hash, keptDir)
    await hashByStamps('t', files.slice(0, 1), hash, keptDir)
    expect(reads()).toBe(2)
    await rm(files[1]!)
    await expect(hashByStamps('t', files, hash, keptDir)).rejects.toThrow()
  })

  it('a damaged record is no record', async () => {
    const { files, keptDir, hash, reads } = await setup()
    await hashByStamps('t', files, hash, keptDir)
    await writeFile(join(keptDir, 't.json'), '{"v":1,"salt":')
    expect(await hashByStamps('t', files, hash, keptDir)).toBe('export const a = 1\n|export const b = 2\n')
    expect(reads()).toBe(2)
  })

  it('lists files under a folder by pattern, in name order', async () => {
    const { root } = await setup()
    await writeFile(join(root, 'c.css'), '')
    expect(filesUnder(root, /\.ts$/)).toEqual(['a.ts', 'b.ts'])
  })
})

// sources.ts entriesUnder: the listing every tree check of a build makes (static/, public/, the code),
// which must name what Node's recursive readdir names, so every stamp and digest stays as it was.
import { readdirSync } from 'node:fs'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entriesUnder } from '../../scripts/pipeline/sources.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-entries-')

describe('entriesUnder', () => {
  it("lists what readdirSync(dir, { recursive: true }) lists: files, folders (empty ones too), and into a link to a folder", async () => {
    const dir = await tempDir()
    const elsewhere = await tempDir()
    await mkdir(join(dir, 'a', 'b', 'c'), { recursive: true })
    await mkdir(join(dir, 'empty'))
    await writeFile(join(dir, 'top.txt'), '1')
    await writeFile(join(dir, 'a', 'b', 'c', 'deep.md'), '2')
    await writeFile(join(dir, 'a', '图.png'), '3')
    await writeFile(join(elsewhere, 'linked.txt'), '4')
    await symlink(elsewhere, join(dir, 'link'))
    await symlink(join(dir, 'top.txt'), join(dir, 'file-link'))
    const listed = entriesUnder(dir).sort()
    expect(listed).toEqual((readdirSync(dir, { recursive: true }) as string[]).sort())
    expect(listed).toContain(join('a', 'b', 'c', 'deep.md'))
    expect(listed).toContain(join('link', 'linked.txt'))
    expect(listed).toContain('empty')
  })

  it('throws for a folder that is not there, as readdirSync does', async () => {
    const missing = join(await tempDir(), 'missing')
    expect(() => entriesUnder(missing)).toThrow(/ENOENT/)
  })
})

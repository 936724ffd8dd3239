// Tag and category pages have their own page size (site.yml `taxonomy_paginate`):
// by default one list per term, as Chirpy shows it, while home keeps `paginate`.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TAXONOMY_PAGE_SIZE } from '../../scripts/pipeline/assemble.ts'
import { build } from '../../scripts/pipeline/index.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-taxonomy-')

async function blog(extra: string, posts: number): Promise<string> {
  const dir = await tempDir()
  await mkdir(join(dir, 'posts'))
  await writeFile(join(dir, 'site.yml'), `title: T\nurl: https://t.example\npaginate: 2\n${extra}`)
  for (let i = 1; i <= posts; i++) {
    await writeFile(join(dir, 'posts', `2024-01-${String(i).padStart(2, '0')}-p${i}.md`), `---\ntitle: P${i}\ntags: [Swift]\ncategories: [Notes]\n---\n\nBody ${i}.\n`)
  }
  return dir
}

const routes = async (dir: string) => Object.keys((await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date('2025-01-01') })).manifest.routes)

describe('taxonomy page size', () => {
  it(`is ${TAXONOMY_PAGE_SIZE} when site.yml says nothing: one page per term, home still paginated`, async () => {
    const paths = await routes(await blog('', 5))
    expect(paths).toContain('/page/3/')
    expect(paths).toContain('/tags/swift/')
    expect(paths.filter((p) => p.startsWith('/tags/swift/page/') || p.startsWith('/categories/notes/page/'))).toEqual([])
  })

  it('follows taxonomy_paginate', async () => {
    const paths = await routes(await blog('taxonomy_paginate: 3\n', 5))
    expect(paths).toContain('/tags/swift/page/2/')
    expect(paths).toContain('/categories/notes/page/2/')
    expect(paths).not.toContain('/tags/swift/page/3/')
  })
})

import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { watchTree, type TreeWatcher } from '../../scripts/preview/watch.ts'

/** Resolves with the first changed path under the tree that `test` accepts. */
function next(seen: string[], test: (p: string) => boolean, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now()
    const poll = () => {
      const hit = seen.find(test)
      if (hit) return resolve(hit)
      if (Date.now() - t0 > ms) return reject(new Error(`no event for it in ${ms} ms; saw ${seen.join(', ')}`))
      setTimeout(poll, 20)
    }
    poll()
  })
}

describe('watchTree (the preview watcher)', () => {
  let dir: string
  let watcher: TreeWatcher | undefined
  afterEach(async () => {
    watcher?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('sees a file replaced by rename, as sed -i and vim save, again and again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kumo-watch-'))
    await mkdir(join(dir, 'posts'))
    const post = join(dir, 'posts', 'a.md')
    await writeFile(post, 'one')
    const seen: string[] = []
    watcher = await watchTree(dir, (p) => seen.push(p))
    for (const text of ['two', 'three']) {
      seen.length = 0
      await writeFile(`${post}.tmp`, text)
      await rename(`${post}.tmp`, post)
      expect(await next(seen, (p) => p === post)).toBe(post)
    }
  })

  it('watches folders made after it started', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kumo-watch-'))
    const seen: string[] = []
    watcher = await watchTree(dir, (p) => seen.push(p))
    await mkdir(join(dir, 'assets', 'img'), { recursive: true })
    await next(seen, (p) => p === join(dir, 'assets'))
    // Give the watcher the moment it needs to add the new folders, then write deep inside.
    await new Promise((r) => setTimeout(r, 200))
    await writeFile(join(dir, 'assets', 'img', 'x.png'), 'x')
    expect(await next(seen, (p) => p === join(dir, 'assets', 'img', 'x.png'))).toBeTruthy()
  })
})

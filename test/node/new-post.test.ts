// `npm run new`: the file it writes is a post the build accepts, named with an ASCII slug,
// dated now on the site's clock.
import { cp, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../../scripts/pipeline/index.ts'
import { asciiSlug, newPost } from '../../scripts/new-post.ts'
import { DEPLOY_FIXTURE } from './deploy-harness.ts'

async function content() {
  const dir = join(await mkdtemp(join(tmpdir(), 'kumo-new-')), 'content')
  await cp(DEPLOY_FIXTURE, dir, { recursive: true })
  return dir
}

describe('npm run new', () => {
  it('gives Chinese, accented and mixed titles an ASCII slug', () => {
    expect(asciiSlug('DeepSeek，大国竞争，以及国运')).toBe('deepseek-da-guo-jing-zheng-yi-ji-guo-yun')
    expect(asciiSlug('Ça va? Ünïcödé 2.0')).toBe('ca-va-unicode-2-0')
    expect(asciiSlug('🎉')).toBe('')
    const long = asciiSlug('word '.repeat(40))
    expect(long.length).toBeLessThanOrEqual(60)
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })

  it('writes a post the build publishes at the site-timezone date, and never overwrites one', async () => {
    const dir = await content()
    // 2024-03-01 17:30 UTC is 2024-03-02 01:30 in Asia/Shanghai, the fixture's timezone.
    const now = Date.parse('2024-03-01T17:30:00Z')
    const file = await newPost(dir, '部署："测试"', now)
    expect(basename(file)).toBe('2024-03-02-bu-shu-ce-shi.md')
    const text = await readFile(file, 'utf8')
    expect(text).toContain('date: 2024-03-02 01:30:00 +08:00')
    const result = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date(now + 60_000) })
    expect(Object.keys(result.manifest.routes)).toContain('/2024/03/bu-shu-ce-shi/')
    await expect(newPost(dir, '部署："测试"', now)).rejects.toThrow(/already exists/)
    const fallback = await newPost(dir, '🎉', now)
    expect(basename(fallback)).toBe('2024-03-02-post-0130.md')
  })
})

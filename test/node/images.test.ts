// The images stage (scripts/pipeline/images.ts): sizes on every image the build can
// measure, AVIF/WebP copies for raster images, cached by content hash, originals kept.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { refText } from '../../src/shared/packs.ts'
import { join } from 'node:path'
import fc from 'fast-check'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { imgTags, parsedImgTags } from '../../scripts/pipeline/images.ts'
import { BuildSession, build } from '../../scripts/pipeline/index.ts'
import type { PostBodyRecord } from '../../src/shared/schema.ts'
import { useTempDirs } from '../temp-dirs.ts'
import { routeRecord } from './route-record.ts'

const tempDir = useTempDirs('kumo-images-')

async function blog(): Promise<string> {
  const dir = await tempDir()
  await mkdir(join(dir, 'posts'))
  await mkdir(join(dir, 'assets', 'img'), { recursive: true })
  await writeFile(join(dir, 'site.yml'), 'title: T\nurl: https://t.example\n')
  // A real photo-sized PNG, made here rather than committed.
  await sharp({ create: { width: 1200, height: 600, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toFile(join(dir, 'assets', 'img', 'wide.png'))
  await writeFile(join(dir, 'assets', 'img', 'small.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80"/></svg>')
  await writeFile(
    join(dir, 'posts', '2024-05-01-pictures.md'),
    '---\ntitle: Pictures\nimage: { path: /assets/img/wide.png, alt: Wide }\n---\n\n![A wide one](/assets/img/wide.png)\n\n![A drawing](/assets/img/small.svg)\n\n![Gone](/assets/img/missing.png)\n',
  )
  return dir
}

const NOW = new Date('2025-01-01')

describe('images stage', () => {
  it('gives measured images their size, and raster ones AVIF and WebP copies under the 1,200 px original', async () => {
    const dir = await blog()
    const r = await build({ contentDir: dir, outDir: '', publicDir: '', cacheDir: join(dir, '.cache'), now: NOW })
    const post = routeRecord<PostBodyRecord>(r, '/2024/05/pictures/')
    expect(post.html).toMatch(/<picture><source type="image\/avif" srcset="\/_kumo\/img\/[0-9a-f]{16}-480\.avif 480w, \/_kumo\/img\/[0-9a-f]{16}-960\.avif 960w, \/_kumo\/img\/[0-9a-f]{16}-1200\.avif 1200w" sizes="[^"]+"><source type="image\/webp"/)
    expect(post.html).toMatch(/<img src="\/assets\/img\/wide\.png" alt="A wide one"[^>]* width="1200" height="600"><\/picture>/)
    expect(post.html).toMatch(/<img src="\/assets\/img\/small\.svg" alt="A drawing"[^>]* width="120" height="80">/)
    expect(post.html).not.toMatch(/<picture>(?:(?!<\/picture>).)*small\.svg/)
    // What the build cannot read stays as written.
    expect(post.html).toMatch(/<img src="\/assets\/img\/missing\.png" alt="Gone" loading="lazy" decoding="async">/)
    expect(post.image).toMatchObject({ src: '/assets/img/wide.png', width: 1200, height: 600 })
    expect(post.image!.sources!.map((s) => s.type)).toEqual(['image/avif', 'image/webp'])
    // Every copy the HTML names is a file the build serves, and it decodes at its stated width.
    const files = new Map(r.assets.map((a) => [`/${a.path}`, a.data]))
    for (const [, url, w] of post.html.matchAll(/(\/_kumo\/img\/[^ ]+) (\d+)w/g)) {
      expect(files.has(url!), url).toBe(true)
      expect((await sharp(files.get(url!) as Uint8Array).metadata()).width).toBe(Number(w))
    }
    // Feed entries keep the plain image, with an absolute URL.
    const entry = JSON.parse(refText(r.blobs, r.manifest.records['entry:/2024/05/pictures/']!)!) as { html: string }
    expect(entry.html).toContain('<img src="https://t.example/assets/img/wide.png"')
    expect(entry.html).not.toContain('<picture>')
  })

  it('encodes nothing again on a rebuild in a new process with the same cache', async () => {
    const dir = await blog()
    const cacheDir = join(dir, '.cache')
    const first = await build({ contentDir: dir, outDir: '', publicDir: '', cacheDir, now: NOW })
    const cached = join(cacheDir, 'images')
    const times = async () => Object.fromEntries(await Promise.all((await readdir(cached)).map(async (n) => [n, (await stat(join(cached, n))).mtimeMs])))
    const before = await times()
    expect(Object.keys(before).filter((n) => /\.(avif|webp)$/.test(n))).toHaveLength(6)
    const second = await build({ contentDir: dir, outDir: '', publicDir: '', cacheDir, now: NOW })
    expect(await times()).toEqual(before)
    expect(second.manifest.buildId).toBe(first.manifest.buildId)
    // And a build with no cache at all makes the same site.
    const uncached = await build({ contentDir: dir, outDir: '', publicDir: '', now: NOW })
    expect(uncached.manifest.buildId).toBe(first.manifest.buildId)
  })

  it("in a new process, applies the rewrite an earlier one kept for an unchanged post, only while its images' files are unchanged", async () => {
    const dir = await blog()
    const cacheDir = join(dir, '.cache')
    const html = async () => routeRecord<PostBodyRecord>(await build({ contentDir: dir, outDir: '', publicDir: '', cacheDir, now: NOW }), '/2024/05/pictures/').html
    const first = await html()
    const file = join(cacheDir, 'image-rewrites.json')
    const kept = JSON.parse(await readFile(file, 'utf8')) as { entries: Array<[string, Array<{ text: string }>, unknown, unknown]> }
    expect(kept.entries).toHaveLength(1)
    // A kept edit made to say what it is: a build that applies it, rather than scanning the HTML again, shows the mark.
    const edits = kept.entries[0]![1]
    expect(edits.some((e) => e.text.includes('width="120" height="80"'))).toBe(true)
    for (const e of edits) e.text = e.text.replace('width="120" height="80"', 'width="120" height="80" data-kept')
    await writeFile(file, JSON.stringify(kept))
    // The records' sums kept for the post's key would name the unmarked records: gone, they are hashed from what this build makes.
    await rm(join(cacheDir, 'record-sums.json'))
    expect(await html()).toBe(first.replace('width="120" height="80"', 'width="120" height="80" data-kept'))
    // Another drawing under the same name: the post is scanned and measured again.
    await writeFile(join(dir, 'assets', 'img', 'small.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40"/></svg>')
    const again = await html()
    expect(again).toContain('width="60" height="40"')
    expect(again).not.toContain('data-kept')
  })

  it('in one session, reuses an unchanged post\'s rewrite only while its images are unchanged', async () => {
    const dir = await blog()
    const session = new BuildSession()
    const html = async () => routeRecord<PostBodyRecord>(await build({ contentDir: dir, outDir: '', publicDir: '', session, now: NOW }), '/2024/05/pictures/').html
    expect(await html()).toContain('width="120" height="80"')
    // The same post text, a different drawing under the same name: measured again.
    await writeFile(join(dir, 'assets', 'img', 'small.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200"/></svg>')
    const again = await html()
    expect(again).toContain('width="300" height="200"')
    expect(again).not.toContain('width="120" height="80"')
  })
})

describe('img tags', () => {
  it('are the ones parse5 finds, with the same attributes and spans, whether or not the HTML is simple', () => {
    const piece = fc.constantFrom('<p>', '</p>', '<picture>', '<PICTURE>', '</picture>', '<div>', '</div>', '<template>', '</template>', '<!-- <img src="/assets/c.png"> -->', '<script>', '</script>', 'text', '<br/>')
    const img = fc.tuple(fc.constantFrom('img', 'IMG', 'image'), fc.constantFrom(' src="/assets/a.png"', " src='/assets/b&amp;c.png'", ' src=/assets/d.png', '\fsrc="/assets/e.png"', '\tsrc =\n"/assets/f.png"', ''), fc.constantFrom('', ' width="3"', ' alt=x', '\falt=x\f', ' alt="a" alt="b"', ' alt=a/'), fc.constantFrom('>', '/>', ' >', '\f>', '\n/>'))
      .map(([name, src, more, end]) => `<${name}${src}${more}${end}`)
    const html = fc.array(fc.oneof(piece, img), { maxLength: 10 }).map((list) => list.join(''))
    const plain = (tags: ReturnType<typeof imgTags>) => tags.map((t) => ({ ...t, attrs: [...t.attrs] }))
    fc.assert(fc.property(fc.noBias(html), (h) => {
      expect(plain(imgTags(h))).toEqual(plain(parsedImgTags(h)))
    }), { numRuns: 5_000 })
  })
})

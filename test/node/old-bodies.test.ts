// The migration report's body check: the body is found in an old theme's page
// where that theme puts it, and compared with the Kumo post at the same URL.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PostBodyRecord } from '../../src/shared/schema.ts'
import { markAbsent } from '../../scripts/verify/migration.ts'
import { compareOldBodies, compareReferenceBodies, oldBody } from '../../scripts/verify/old-bodies.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-old-bodies-')
const BODY = '<h2 id="a">A</h2>\n<p>One <strong>two</strong>.</p>'
const page = (inner: string) => `<!doctype html><html><head><title>t</title></head><body><header><nav><a href="/">Home</a></nav></header>${inner}<footer><p>© me</p></footer></body></html>`

describe('oldBody', () => {
  it.each([
    ['minima', `<article class="post h-entry"><header class="post-header"><h1>T</h1></header><div class="post-content e-content" itemprop="articleBody">${BODY}</div></article>`],
    ['Chirpy', `<article class="px-1"><header><h1>T</h1><div class="post-meta">x</div></header><div class="content">${BODY}</div><div class="post-tail-wrapper">tags</div></article>`],
    ['Minimal Mistakes (with its toc aside)', `<article class="page"><section class="page__content e-content" itemprop="text"><aside class="sidebar__right"><nav class="toc">On this page</nav></aside>${BODY}</section></article>`],
  ])('takes the body out of a %s post page', (_theme, inner) => {
    expect(oldBody(page(inner))).toBe(BODY)
  })

  it("leaves out what Chirpy adds at build time: heading anchors, code headers, copy buttons, icons", () => {
    const chirpy = `<article><div class="content"><h2 id="a">A<a href="#a" class="anchor text-muted"><i class="fas fa-hashtag"></i></a></h2>\n<p>One <strong>two</strong>.</p><div class="code-header"><span><i class="fas fa-code"></i></span><button aria-label="copy"><i class="far fa-clipboard"></i></button></div></div></article>`
    expect(oldBody(page(chirpy))).toBe(BODY)
  })

  it('takes a layout-less page whole, and gives up on a page with no known container', () => {
    expect(oldBody(BODY)).toBe(BODY)
    expect(oldBody(page(`<div class="wrapper">${BODY}</div>`))).toBeUndefined()
  })
})

describe('compareOldBodies', () => {
  const post = (path: string, html: string) => ({ kind: 'post', path, html }) as PostBodyRecord

  it('pairs each post with the old file at its URL and reports the ones it could not compare', async () => {
    const old = await tempDir()
    await mkdir(join(old, '2024/01/a'), { recursive: true })
    await writeFile(join(old, '2024/01/a/index.html'), page(`<article><div class="content">${BODY}</div></article>`))
    await writeFile(join(old, '2024/01/b.html'), page(`<div class="post-content">${BODY.replace('<strong>two</strong>', '**two**')}</div>`))
    const report = await compareOldBodies(old, [post('/2024/01/a/', BODY), post('/2024/01/b.html', BODY), post('/2024/01/gone/', BODY)])
    expect(report).toMatchObject({ compared: true, posts: 2, identical: 1, notCompared: ['/2024/01/gone/'] })
    expect(report.differing.map((d) => d.id)).toEqual(['/2024/01/b.html'])
    expect(report.differing[0]!.differences.map((d) => d.aspect)).toContain('strong')
  })
})

describe('compareReferenceBodies', () => {
  it("pairs posts by source file with a verify:jekyll reference's stub-layout bodies", async () => {
    const ref = await tempDir()
    await mkdir(join(ref, 'bodies/2024/01/01'), { recursive: true })
    await writeFile(join(ref, 'reference.json'), JSON.stringify({ posts: [{ path: '_posts/2024-01-01-a.md', output: '2024/01/01/a.html' }] }))
    await writeFile(join(ref, 'bodies/2024/01/01/a.html'), `<html><body><article data-kumo-ref="body">${BODY}</article></body></html>`)
    const posts = [{ kind: 'post', path: '/2024/01/01/a.html', source: 'posts/2024-01-01-a.md', html: BODY }, { kind: 'post', path: '/new/', source: 'posts/2024-02-01-new.md', html: BODY }] as PostBodyRecord[]
    expect(await compareReferenceBodies(ref, posts)).toMatchObject({ against: 'reference', posts: 1, identical: 1, notCompared: ['/new/'] })
  })

  it('keeps a multilingual copy (en/_posts/) apart from the post of the same name in _posts/', async () => {
    const ref = await tempDir()
    await mkdir(join(ref, 'bodies/posts'), { recursive: true })
    await mkdir(join(ref, 'bodies/en'), { recursive: true })
    const posts = [{ path: '_posts/2024-01-01-a.md', output: 'posts/2024-01-01-a.html' }, { path: 'en/_posts/2024-01-01-a.md', output: 'en/2024-01-01-a.html' }]
    await writeFile(join(ref, 'reference.json'), JSON.stringify({ posts }))
    const OTHER = '<h2 id="b">B</h2>\n<p>Other.</p>'
    await writeFile(join(ref, 'bodies/posts/2024-01-01-a.html'), `<article data-kumo-ref="body">${BODY}</article>`)
    await writeFile(join(ref, 'bodies/en/2024-01-01-a.html'), `<article data-kumo-ref="body">${OTHER}</article>`)
    const kumo = [
      { kind: 'post', path: '/posts/2024-01-01-a', source: 'posts/2024-01-01-a.md', html: BODY },
      { kind: 'post', path: '/en/2024-01-01-a', source: 'posts/en/2024-01-01-a.md', html: OTHER },
    ] as PostBodyRecord[]
    expect(await compareReferenceBodies(ref, kumo)).toMatchObject({ posts: 2, identical: 2, notCompared: [] })
    // A real difference still counts: the English copy rendered from the Japanese source is not identical.
    kumo[1]!.html = BODY
    expect(await compareReferenceBodies(ref, kumo)).toMatchObject({ posts: 2, identical: 1 })
  })

  it('compares only the post whose body is on disk when two posts had one output file', async () => {
    const ref = await tempDir()
    await mkdir(join(ref, 'bodies/2024/01/01'), { recursive: true })
    // No jekyll-polyglot in the build: both copies went to one file, the Japanese (written last) kept.
    const posts = [{ path: '_posts/en/2024-01-01-a.md', output: '2024/01/01/a.html' }, { path: '_posts/jp/2024-01-01-a.md', output: '2024/01/01/a.html' }]
    await writeFile(join(ref, 'reference.json'), JSON.stringify({ posts }))
    await writeFile(join(ref, 'bodies/2024/01/01/a.html'), `<article data-kumo-ref="body">${BODY}</article>`)
    const kumo = [
      { kind: 'post', path: '/2024/01/01/a.html', source: 'posts/en/2024-01-01-a.md', html: '<p>English.</p>' },
      { kind: 'post', path: '/jp/2024/01/01/a.html', source: 'posts/jp/2024-01-01-a.md', html: BODY },
    ] as PostBodyRecord[]
    expect(await compareReferenceBodies(ref, kumo)).toMatchObject({ posts: 1, identical: 1, notCompared: ['/2024/01/01/a.html'] })
  })
})

describe('markAbsent', () => {
  it("calls a lost URL absent when the old site had no file for it either, and keeps real losses lost", async () => {
    const old = await tempDir()
    await mkdir(join(old, 'tags/kept'), { recursive: true })
    await writeFile(join(old, 'tags/kept/index.html'), 'x')
    await writeFile(join(old, 'about.html'), 'x')
    const lost = (path: string) => ({ path, verdict: 'lost' as const, status: 404, reason: 'r' })
    const urls = [lost('/tags/kept/'), lost('/about'), lost("/tags/let-s-encrypt/")]
    await markAbsent(urls, old)
    expect(urls.map((u) => u.verdict)).toEqual(['lost', 'lost', 'absent'])
    expect(urls[2]!.reason).toMatch(/old site had no file there either/)
  })
})

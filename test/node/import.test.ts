// The Jekyll importer on a Chirpy-style fixture site, then a build of the result:
// the same URLs Jekyll gives, nothing lost silently.
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { build } from '../../scripts/pipeline/index.ts'
import { htmlToText } from '../../scripts/pipeline/html.ts'
import { ImportError, importJekyll } from '../../scripts/import/index.ts'
import type { PostRecord } from '../../src/shared/schema.ts'
import { useTempDirs } from '../temp-dirs.ts'

const JEKYLL_SITE = fileURLToPath(new URL('../fixtures/jekyll-site', import.meta.url))
const tempDir = useTempDirs('kumo-import-')

async function imported() {
  const into = join(await tempDir(), 'content')
  const report = await importJekyll(JEKYLL_SITE, into)
  return { into, report }
}

describe('importer', () => {
  it('copies posts (nested, .markdown), drafts, assets and the about tab', async () => {
    const { into, report } = await imported()
    expect(report).toMatchObject({ posts: 3, drafts: 1, pages: 1, assets: 2 })
    expect((await readdir(join(into, 'posts'), { recursive: true })).sort()).toEqual([
      '2019',
      '2019/2019-3-7-objc-blocks.markdown',
      '2023-01-05-swift-concurrency.md',
      '2024-12-31-new-year.md',
    ])
    expect(await readdir(join(into, 'drafts'))).toEqual(['unfinished-idea.md'])
    expect(await readFile(join(into, 'assets/img/cover.png'))).toEqual(await readFile(join(JEKYLL_SITE, 'assets/img/cover.png')))
    expect(await readFile(join(into, 'pages/about.md'), 'utf8')).toMatch(/^---\ntitle: "About"\n# the default layout/)
  })

  it('turns _config.yml into site.yml, taking the post permalink from defaults and the author from social', async () => {
    const { into } = await imported()
    expect(yaml.load(await readFile(join(into, 'site.yml'), 'utf8'))).toEqual({
      title: '云上笔记',
      tagline: 'Swift、边缘与编译器',
      description: 'A bilingual blog about Swift, Objective-C and the edge.',
      url: 'https://notes.example',
      lang: 'zh-CN',
      timezone: 'Asia/Shanghai',
      paginate: 10,
      author: { name: 'Lin Wei', email: 'lin@example.com', url: 'https://github.com/someone' },
      permalink: '/posts/:title/',
    })
  })

  it('reports what it could not carry over', async () => {
    const { report } = await imported()
    const text = report.notCarried.join('\n')
    expect(text).toContain('_config.yml plugins: jekyll-paginate, jekyll-redirect-from, jekyll-seo-tag')
    expect(text).toContain('_config.yml keys with no equivalent: theme, github, avatar, toc, comments')
    expect(text).toContain('_posts/2019/2019-3-7-objc-blocks.markdown: removed Liquid output {{ page.title }}')
    expect(text).toContain('_posts/2019/2019-3-7-objc-blocks.markdown: removed Liquid tag {% assign x = 1 %}')
    expect(text).toContain('_posts/notes.txt: only Markdown posts are imported')
    expect(text).toContain('assets/css/style.scss: has front matter')
    for (const dir of ['_layouts/', '_includes/', '_plugins/']) expect(text).toContain(`${dir}: theme and plugin code`)
    expect(text).not.toContain('_tabs') // tabs were carried over as pages
  })

  it('builds the imported site with every post at the URL Jekyll gives it and no stray markup', async () => {
    const { into } = await imported()
    const result = await build({ contentDir: into, outDir: '', publicDir: '', now: new Date('2025-06-01T00:00:00Z') })
    const routes = Object.keys(result.manifest.routes)
    expect(routes).toEqual(
      expect.arrayContaining(['/posts/swift-concurrency/', '/posts/objc-blocks/', '/posts/new-year/', '/about/', '/tags/ios/', '/tags/随笔/', '/categories/programming/']),
    )
    const record = (path: string) => JSON.parse(result.blobs.get(result.manifest.routes[path]![0])!) as PostRecord
    const swift = record('/posts/swift-concurrency/')
    expect(swift.html).toContain('<a href="/posts/objc-blocks/">上一篇</a>') // {% post_url %}
    expect(swift.html).toContain('<blockquote class="prompt-tip">')
    expect(swift.html).toContain('<pre tabindex="0" file="Sources/App/Fetch.swift"><code class="hljs language-swift">')
    expect(swift.html).toContain('模板语法 <code>{{ name }}</code> 原样保留。')
    expect(record('/posts/objc-blocks/').html).toContain('<div class="code-linenos">')
    // 23:59:59.5 on New Year's Eve in Shanghai stays on Dec 31.
    expect(record('/posts/new-year/').date).toMatch(/^2024-12-31T23:59:59/)
    for (const path of ['/posts/swift-concurrency/', '/posts/objc-blocks/', '/posts/new-year/']) {
      const prose = htmlToText(record(path).html.replace(/<pre[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, ''))
      expect(prose).not.toMatch(/\{:|\{%|%\}|\{\{/)
    }
  })

  it('fails the build, naming the file, when {% post_url %} names no post', async () => {
    const { into } = await imported()
    await writeFile(join(into, 'posts', '2024-01-01-linker.md'), '---\ntitle: L\n---\n[x]({% post_url 2001-01-01-nowhere %})\n')
    const error = await build({ contentDir: into, outDir: '', publicDir: '', now: new Date('2025-06-01T00:00:00Z') }).catch((e: Error) => e)
    expect((error as Error).message).toBe(
      'posts/2024-01-01-linker.md: `{% post_url 2001-01-01-nowhere %}` names no post; use a file name from posts/ without its extension',
    )
  })

  it('imports and builds a few hundred mixed Chinese/English posts, each at its Jekyll URL', async () => {
    const root = await tempDir()
    const jekyll = join(root, 'jekyll')
    await generateCorpus(jekyll, 300, 11)
    await rename(join(jekyll, 'posts'), join(jekyll, '_posts'))
    await writeFile(join(jekyll, '_config.yml'), 'title: Big\nurl: https://big.example\ntimezone: Asia/Shanghai\npermalink: /:categories/:year/:month/:day/:title/\n')
    const into = join(root, 'content')
    const report = await importJekyll(jekyll, into)
    expect(report.posts).toBe(300)
    const result = await build({ contentDir: into, outDir: '', publicDir: '', now: new Date('2025-06-01T00:00:00Z') })
    expect(result.summary.posts).toBe(300)
    for (const name of await readdir(join(into, 'posts'))) {
      const text = await readFile(join(into, 'posts', name), 'utf8')
      // Jekyll's URL, worked out independently: categories lower-cased, date on the Shanghai clock.
      const date = /^date: (\d{4})-(\d\d)-(\d\d) (\d\d):/m.exec(text)!
      const cats = /^categories: \[(.*)\]$/m.exec(text)?.[1]!.split(', ') ?? /^categories: (.*)$/m.exec(text)![1]!.split(' ')
      const slug = name.replace(/^\d{4}-\d\d-\d\d-|\.md$/g, '')
      const url = `/${cats.map((c) => c.toLowerCase()).join('/')}/${date[1]}/${date[2]}/${date[3]}/${slug}/`
      expect(result.manifest.routes[url], `${name} at ${url}`).toBeDefined()
      // Every tag and category page: the name lower-cased, spaces to '-', all else kept.
      const tags = JSON.parse(/^tags: (\[.*\])$/m.exec(text)![1]!) as string[]
      for (const t of tags) expect(result.manifest.routes[`/tags/${t.toLowerCase().replace(/ /g, '-')}/`], t).toBeDefined()
      for (const c of cats) expect(result.manifest.routes[`/categories/${c.toLowerCase()}/`], c).toBeDefined()
    }
  })

  it('refuses to import over existing posts unless forced, and needs a _config.yml', async () => {
    const into = await tempDir()
    await mkdir(join(into, 'posts'))
    await writeFile(join(into, 'posts', '2020-01-01-mine.md'), '---\ntitle: Mine\n---\n')
    await expect(importJekyll(JEKYLL_SITE, into)).rejects.toThrow(/already has posts/)
    await expect(importJekyll(JEKYLL_SITE, into, { force: true })).resolves.toMatchObject({ posts: 3 })
    await expect(importJekyll(into, join(into, 'out'))).rejects.toBeInstanceOf(ImportError)
  })
})

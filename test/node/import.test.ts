// The Jekyll importer on a Chirpy-style fixture site, then a build of the result:
// the same URLs Jekyll gives, nothing lost silently.
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises'
import { refText } from '../../src/shared/packs.ts'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { build } from '../../scripts/pipeline/index.ts'
import { htmlToText } from '../../scripts/pipeline/html.ts'
import { ImportError, importJekyll } from '../../scripts/import/index.ts'
import type { PostView } from '../../src/shared/schema.ts'
import { useTempDirs } from '../temp-dirs.ts'

const JEKYLL_SITE = fileURLToPath(new URL('../fixtures/jekyll-site', import.meta.url))
const tempDir = useTempDirs('kumo-import-')

async function imported() {
  const into = join(await tempDir(), 'content')
  const report = await importJekyll(JEKYLL_SITE, into)
  return { into, report }
}

describe('importer', () => {
  it('copies posts (nested, .markdown), drafts, static files and the about tab', async () => {
    const { into, report } = await imported()
    // Static: assets/img/cover.png and README.md (no front matter: Jekyll copies it as it is).
    expect(report).toMatchObject({ posts: 3, drafts: 1, pages: 1, assets: 2 })
    expect((await readdir(join(into, 'posts'), { recursive: true })).sort()).toEqual([
      '2019',
      '2019/2019-3-7-objc-blocks.markdown',
      '2023-01-05-swift-concurrency.md',
      '2024-12-31-new-year.md',
    ])
    expect(await readdir(join(into, 'drafts'))).toEqual(['unfinished-idea.md'])
    expect(await readFile(join(into, 'static/assets/img/cover.png'))).toEqual(await readFile(join(JEKYLL_SITE, 'assets/img/cover.png')))
    expect(await readFile(join(into, 'static/README.md'), 'utf8')).toBe(await readFile(join(JEKYLL_SITE, 'README.md'), 'utf8'))
    // The tab keeps its front matter and gains its Jekyll URL (collection permalink from defaults) and a title.
    expect(await readFile(join(into, 'pages/tabs/about.md'), 'utf8')).toMatch(/^---\ntitle: "About"\npermalink: "\/about\/"\n# the default layout/)
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
      avatar: '/assets/img/avatar.png',
      social: [
        { name: 'GitHub', url: 'https://github.com/someone' },
        { name: 'Email', url: 'mailto:lin@example.com' },
      ],
      // Chirpy's own tabs under Kumo's paths; the Chirpy ≤ 5 /tabs/… URLs every old page linked to.
      // and jekyll-archives' default /tag/:name/ and /category/:name/ pages (this config sets no permalinks for them).
      redirects: {
        '/category/life/': '/categories/life/',
        '/category/programming/': '/categories/programming/',
        '/category/swift/': '/categories/swift/',
        '/tabs/about/': '/about/',
        '/tabs/archives/': '/archives/',
        '/tabs/categories/': '/categories/',
        '/tabs/tags/': '/tags/',
        '/tag/concurrency/': '/tags/concurrency/',
        '/tag/ios/': '/tags/ios/',
        '/tag/life/': '/tags/life/',
        '/tag/objective-c/': '/tags/objective-c/',
        '/tag/swift/': '/tags/swift/',
        '/tag/随笔/': '/tags/随笔/',
      },
    })
  })

  it('reports what it could not carry over', async () => {
    const { report } = await imported()
    const text = report.notCarried.join('\n')
    expect(text).toContain('plugins: jekyll-paginate, jekyll-redirect-from, jekyll-seo-tag')
    // giscus with no repository ids cannot be embedded: say what to copy.
    expect(text).toContain('comments (giscus): repo, repo_id, category, category_id not set in _config.yml')
    expect(text).toContain('_posts/2019/2019-3-7-objc-blocks.markdown: removed Liquid output {{ page.title }}')
    expect(text).toContain('_posts/2019/2019-3-7-objc-blocks.markdown: removed Liquid tag {% assign x = 1 %}')
    expect(text).toContain("assets/css/style.scss → /assets/css/style.css: made by Jekyll's Liquid/Sass")
    for (const dir of ['_layouts/', '_includes/', '_plugins/']) expect(text).toContain(`${dir}: theme and plugin code`)
    expect(text).not.toContain('_tabs') // tabs were carried over as pages
    // Chirpy's PWA is on unless switched off: its worker paths serve the retiring worker.
    expect(report.serviceWorkers).toEqual(['/sw.js', '/sw.min.js'])
  })

  it('builds the imported site with every post at the URL Jekyll gives it and no stray markup', async () => {
    const { into } = await imported()
    const result = await build({ contentDir: into, outDir: '', publicDir: '', now: new Date('2025-06-01T00:00:00Z') })
    const routes = Object.keys(result.manifest.routes)
    expect(routes).toEqual(
      expect.arrayContaining(['/posts/swift-concurrency/', '/posts/objc-blocks/', '/posts/new-year/', '/about/', '/tags/ios/', '/tags/随笔/', '/categories/programming/']),
    )
    const record = (path: string) => JSON.parse(refText(result.blobs, result.manifest.routes[path]![0])!) as PostView
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

  it('on a fresh clone, refuses to merge into the sample content and names the one flag that replaces it', async () => {
    const root = await tempDir()
    const into = join(root, 'content')
    await mkdir(join(into, 'posts'), { recursive: true })
    await writeFile(join(into, 'posts', '2020-01-01-sample.md'), '---\ntitle: Sample\n---\n')
    const error = await importJekyll(JEKYLL_SITE, into).catch((e: Error) => e)
    expect(error).toBeInstanceOf(ImportError)
    expect((error as Error).message).toMatch(/already has content .* run again with --replace/)
    expect(await readdir(join(into, 'posts'))).toEqual(['2020-01-01-sample.md']) // untouched
    const report = await importJekyll(JEKYLL_SITE, into, { replace: true })
    expect(report.posts).toBe(3)
    // Nothing of the sample is merged in; it was moved aside, whole.
    expect(await readdir(join(into, 'posts'), { recursive: true })).not.toContain('2020-01-01-sample.md')
    expect(await readdir(join(report.replacedTo!, 'posts'))).toEqual(['2020-01-01-sample.md'])
  })
})

// The importer against Jekyll's own rules, on test/fixtures/jekyll-minima/
// (a site written for these tests) and its build by Debian's jekyll 4.3.1 in
// test/fixtures/jekyll-minima-built/ (`jekyll build -s test/fixtures/jekyll-minima
// -d test/fixtures/jekyll-minima-built`): every file Jekyll wrote must be
// answered by the imported site, through the real worker.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { ImportError, importJekyll } from '../../scripts/import/index.ts'
import { RETIRING_WORKER } from '../../scripts/import/service-worker.ts'
import { formatReport, oldUrls, verifyMigration } from '../../scripts/verify/migration.ts'
import { useTempDirs } from '../temp-dirs.ts'

const SITE = fileURLToPath(new URL('../fixtures/jekyll-minima', import.meta.url))
const BUILT = fileURLToPath(new URL('../fixtures/jekyll-minima-built', import.meta.url))
const tempDir = useTempDirs('kumo-import-rules-')

async function imported() {
  const into = join(await tempDir(), 'content')
  const report = await importJekyll(SITE, into, { built: BUILT })
  const files = async (dir: string) => (await readdir(join(into, dir), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(join(into, dir).length + 1)).sort()
  return { into, report, files }
}
const frontMatter = (text: string) => yaml.load(/^---\n([\s\S]*?)\n---/.exec(text)![1]!) as Record<string, unknown>

describe('what Jekyll publishes, Kumo serves', () => {
  it('copies files without front matter as they are, honouring exclude, include and _ folders', async () => {
    const { files } = await imported()
    expect(await files('static')).toEqual(['AGENTS.md', '_private/keep.txt', 'assets/img/dot.svg', 'keybase.txt', 'notes/index.html', 'notes/plain.txt', 'sw.js'])
  })

  it('makes pages of files with front matter only, each at the URL Jekyll gave it', async () => {
    const { into, files } = await imported()
    expect(await files('pages')).toEqual(['about.md', 'colophon.md', 'resume.html', 'tabs/links.md'])
    const url = async (f: string) => frontMatter(await readFile(join(into, 'pages', f), 'utf8')).permalink
    // The site's permalink ends in neither `/` nor `:output_ext`, so a page's URL has no suffix (Utils.add_permalink_suffix):
    // Jekyll writes about.html for /about.
    expect(await url('about.md')).toBe('/about')
    expect(await url('colophon.md')).toBe('/colophon/')
    expect(await url('resume.html')).toBe('/resume')
    expect(await url('tabs/links.md')).toBe('/tabs/links')
  })

  it('gives a post with no title the one Jekyll shows', async () => {
    const { into } = await imported()
    expect(frontMatter(await readFile(join(into, 'posts/2024-06-01-untitled-thoughts.md'), 'utf8')).title).toBe('Untitled Thoughts')
  })

  it('redirects theme listings and jekyll-paginate pages to Kumo\'s', async () => {
    const { into } = await imported()
    const site = yaml.load(await readFile(join(into, 'site.yml'), 'utf8')) as Record<string, unknown>
    expect(site.redirects).toEqual({
      '/archive': '/archives/',
      '/archive.html': '/archives/',
      '/blog/': '/',
      // A page listing one category's posts (`site.categories.Research`) → that category's page; "Research" is not search.
      '/category/research': '/categories/research/',
      '/category/research.html': '/categories/research/',
      '/blog/page2/': '/page/2/',
      '/blog/page3/': '/page/3/',
      // The files Jekyll wrote for extensionless page URLs, which GitHub Pages served too.
      '/about.html': '/about',
      // Kumo's header links to /about/.
      '/about/': '/about',
      '/resume.html': '/resume',
      '/tabs/links.html': '/tabs/links',
    })
  })

  it('carries the settings a reader sees, and says what it cannot', async () => {
    const { into, report } = await imported()
    const site = yaml.load(await readFile(join(into, 'site.yml'), 'utf8')) as Record<string, unknown>
    expect(site).toMatchObject({
      author: 'Aiko Tanaka',
      social: [
        { name: 'GitHub', url: 'https://github.com/aiko-t' },
        { name: 'Twitter', url: 'https://twitter.com/aikot' },
        { name: 'Email', url: 'mailto:aiko@example.com' },
      ],
      comments: { provider: 'disqus', shortname: 'field-notes' },
      paginate: 2,
    })
    expect(site.analytics).toBeUndefined()
    expect(report.notCarried).toContain('analytics: UA-1234567-1 is Universal Analytics, which Google switched off in 2023; create a GA4 property and set `analytics: {google: G-…}` in site.yml')
  })

  it("sends a listing page's own redirect_from paths to the Kumo listing it became", async () => {
    const site = await tempDir()
    await mkdir(join(site, '_posts'), { recursive: true })
    await mkdir(join(site, 'en'), { recursive: true })
    await writeFile(join(site, '_config.yml'), 'title: T\nplugins: [jekyll-redirect-from]\n')
    await writeFile(join(site, '_posts', '2024-01-01-a.md'), '---\ntitle: A\n---\nA.\n')
    await writeFile(join(site, 'en', 'archive.html'), '---\nlayout: page\ntitle: Archive\npermalink: /en/archive/\nredirect_from: [/archive/]\n---\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n')
    const into = join(await tempDir(), 'content')
    await importJekyll(site, into)
    const redirects = (yaml.load(await readFile(join(into, 'site.yml'), 'utf8')) as { redirects: Record<string, string> }).redirects
    expect(redirects['/en/archive/']).toBe('/archives/')
    expect(redirects['/archive/']).toBe('/archives/')
  })

  it("leaves out a theme's page or file where Kumo serves its own, keeping the page's old paths", async () => {
    const site = await tempDir()
    await mkdir(join(site, '_posts'), { recursive: true })
    await writeFile(join(site, '_config.yml'), 'title: T\n')
    await writeFile(join(site, '_posts', '2024-01-01-a.md'), '---\ntitle: A\n---\nA.\n')
    await writeFile(join(site, 'about.md'), '---\ntitle: About\npermalink: /\nredirect_from: [/about/, /about]\n---\nHi.\n')
    await writeFile(join(site, 'search.md'), '---\ntitle: Search\npermalink: /search\n---\nFind.\n')
    await writeFile(join(site, 'robots.txt'), 'User-agent: *\n')
    const into = join(await tempDir(), 'content')
    const report = await importJekyll(site, into)
    const redirects = (yaml.load(await readFile(join(into, 'site.yml'), 'utf8')) as { redirects: Record<string, string> }).redirects
    expect(redirects).toMatchObject({ '/about/': '/', '/about': '/', '/about.html': '/', '/search.html': '/search' })
    expect(report.notCarried).toContain('about.md → /: Kumo serves the home page there itself; this page is left out')
    expect(report.notCarried).toContain('robots.txt: Kumo makes robots.txt itself, so this file is left out')
    await expect(readdir(join(into, 'pages'))).rejects.toThrow()
  })

  it("sends a translated 404 page and the folders its redirect_from lists to /404.html, where the old site sent them", async () => {
    const site = await tempDir()
    await mkdir(join(site, '_posts'), { recursive: true })
    await mkdir(join(site, 'en'), { recursive: true })
    await writeFile(join(site, '_config.yml'), 'title: T\nplugins: [jekyll-redirect-from]\n')
    await writeFile(join(site, '_posts', '2024-01-01-a.md'), '---\ntitle: A\n---\nA.\n')
    await writeFile(join(site, '404.md'), '---\nlayout: not-found\nredirect_from: [/assets/, /tabs/]\n---\nGone.\n')
    await writeFile(join(site, 'en', '404.md'), '---\nlayout: not-found\nredirect_from: [/en/tabs/]\n---\nGone.\n')
    const into = join(await tempDir(), 'content')
    await importJekyll(site, into)
    const redirects = (yaml.load(await readFile(join(into, 'site.yml'), 'utf8')) as { redirects: Record<string, string> }).redirects
    expect(redirects).toEqual({ '/assets/': '/404.html', '/tabs/': '/404.html', '/en/404.html': '/404.html', '/en/tabs/': '/404.html' })
  })

  it('replaces the old service worker with one that clears its caches and unregisters itself', async () => {
    const { into, report } = await imported()
    expect(report.serviceWorkers).toEqual(['/sw.js'])
    expect(await readFile(join(into, 'static/sw.js'), 'utf8')).toBe(RETIRING_WORKER)
    expect(RETIRING_WORKER).toMatch(/caches\.delete[\s\S]*registration\.unregister\(\)[\s\S]*navigate/)
  })

  it('answers every URL and file of the old site with 200 or one 301 to a 200, through the worker', async () => {
    const { into } = await imported()
    const report = await verifyMigration({ contentDir: into, old: BUILT })
    expect(report.urls.length).toBe((await oldUrls(BUILT)).length)
    expect(report.urls.filter((u) => u.verdict === 'lost')).toEqual([])
    const answer = (path: string) => report.urls.find((u) => u.path === path)
    expect(answer('/keybase.txt')?.verdict).toBe('kept')
    expect(answer('/AGENTS.md')?.verdict).toBe('kept')
    expect(answer('/blog/page2/')).toMatchObject({ verdict: 'redirected', location: '/page/2/' })
    expect(answer('/archive.html')).toMatchObject({ verdict: 'redirected', location: '/archives/' })
    // A folder's index.html, served at the folder's URL on GitHub Pages.
    expect(answer('/notes/')).toMatchObject({ verdict: 'redirected', location: '/notes/index.html' })
    expect(report.totals).toMatchObject({ urls: report.urls.length, lost: 0 })
    // Each post's body against the old page at its URL (these posts were built with no layout).
    expect(report.bodies).toMatchObject({ compared: true, posts: 6, identical: 6, notCompared: [] })
    expect(formatReport(report)).toContain('post bodies against the old pages: 6 posts, 6 structurally identical (100.0%)')
  }, 180_000)
})

describe('a site whose url ends in a slash (test/fixtures/jekyll-url-slash/)', () => {
  // Built by Debian's jekyll 4.3.1 into test/fixtures/jekyll-url-slash-built/ (`jekyll build -s
  // test/fixtures/jekyll-url-slash -d test/fixtures/jekyll-url-slash-built`): its sitemap lists
  // `https://slash.example//2024/03/first-light/`, the addresses search engines and readers kept.
  const site = fileURLToPath(new URL('../fixtures/jekyll-url-slash', import.meta.url))
  const built = fileURLToPath(new URL('../fixtures/jekyll-url-slash-built', import.meta.url))

  it("answers the sitemap's repeated-slash addresses with one 301 to the page, and says what the static files get", async () => {
    const into = join(await tempDir(), 'content')
    await importJekyll(site, into, { built })
    const report = await verifyMigration({ contentDir: into, old: built })
    const answer = (path: string) => report.urls.find((u) => u.path === path)
    expect(answer('//2024/03/first-light/')).toMatchObject({ verdict: 'redirected', status: 301, location: '/2024/03/first-light/' })
    expect(answer('//about/')).toMatchObject({ verdict: 'redirected', status: 301, location: '/about/' })
    expect(answer('/2024/03/first-light/')?.verdict).toBe('kept')
    expect(answer('/assets/cv.pdf')?.verdict).toBe('kept')
    // The file's repeated-slash address never reaches the worker: the static-assets layer's own 307, named as such.
    expect(answer('//assets/cv.pdf')?.reason).toMatch(/^a temporary 307 to \/assets\/cv\.pdf, which answers 200: Workers Static Assets merges the slashes/)
    expect(report.urls.filter((u) => u.verdict === 'lost').map((u) => u.path)).toEqual(['//assets/cv.pdf'])
  }, 180_000)
})

describe('a multilingual site (test/fixtures/jekyll-multilingual/)', () => {
  it('gives _posts/a.md and en/_posts/a.md the two URLs Jekyll gives them, :path included', async () => {
    const into = join(await tempDir(), 'content')
    await importJekyll(fileURLToPath(new URL('../fixtures/jekyll-multilingual', import.meta.url)), into)
    const url = async (f: string) => frontMatter(await readFile(join(into, 'posts', f), 'utf8')).permalink
    // What Debian's jekyll 4.3.1 wrote (`jekyll build -s test/fixtures/jekyll-multilingual`): :path is the
    // path from the site root without `_posts`, so the English copy is under /en/, not at the Japanese URL's tail.
    expect(await url('2024-05-01-hello.md')).toBe('/posts/2024-05-01-hello')
    expect(await url('en/2024-05-01-hello.md')).toBe('/en/2024-05-01-hello')
    expect(await url('notes/2024-05-02-deep.md')).toBe('/posts/notes/2024-05-02-deep')
    expect(await url('en/2024-05-03-own.md')).toBe('/own/en/2024-05-03-own/')
  })

  it("puts a jekyll-polyglot post in another language under that language's folder, as polyglot publishes it", async () => {
    const site = await tempDir()
    await mkdir(join(site, '_posts', 'en'), { recursive: true })
    await mkdir(join(site, '_posts', 'jp'), { recursive: true })
    await writeFile(join(site, '_config.yml'), 'title: T\nplugins: [jekyll-polyglot]\nlanguages: [en, jp]\ndefault_lang: en\n')
    await writeFile(join(site, '_posts', 'en', '2024-01-01-a.md'), '---\ntitle: A\nlang: en\n---\nA.\n')
    await writeFile(join(site, '_posts', 'jp', '2024-01-01-a.md'), '---\ntitle: エー\nlang: jp\n---\nエー。\n')
    await writeFile(join(site, '_posts', 'jp', '2024-01-02-b.md'), '---\ntitle: B\nlang: jp\npermalink: /b/\n---\nB.\n')
    const into = join(await tempDir(), 'content')
    await importJekyll(site, into)
    const url = async (f: string) => frontMatter(await readFile(join(into, 'posts', f), 'utf8')).permalink
    // Polyglot writes each language but the default into its own folder: /jp/2024/01/01/a.html.
    expect(await url('en/2024-01-01-a.md')).toBeUndefined()
    expect(await url('jp/2024-01-01-a.md')).toBe('/jp/:categories/:year/:month/:day/:title:output_ext')
    expect(await url('jp/2024-01-02-b.md')).toBe('/jp/b/')
    // Without the plugin, `lang:` changes no URL (both copies then have one, as in Jekyll).
    await writeFile(join(site, '_config.yml'), 'title: T\nlanguages: [en, jp]\n')
    const plain = join(await tempDir(), 'content')
    await importJekyll(site, plain)
    expect(frontMatter(await readFile(join(plain, 'posts', 'jp/2024-01-01-a.md'), 'utf8')).permalink).toBeUndefined()
  })
})

describe('bad input: one line naming the file, nothing written', () => {
  const attempt = async (site: string) => {
    const root = await tempDir()
    const into = join(root, 'content')
    const error = await importJekyll(site, into).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportError)
    // Nothing half-copied: no content folder, no temporary one left beside it.
    expect(await readdir(root)).toEqual([])
    return (error as Error).message
  }

  it('refuses a folder that is not a Jekyll site', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'index.md'), '# hi\n')
    expect(await attempt(dir)).toBe(`${dir}: no _config.yml, so this is not a Jekyll site; point the importer at the folder that holds _config.yml and _posts/`)
    expect(await attempt(join(dir, 'index.md'))).toMatch(/index\.md: not a folder/)
  })

  it('names the line of a _config.yml that does not parse', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, '_config.yml'), 'title: ok\nurl: [unclosed\n')
    await mkdir(join(dir, '_posts'))
    expect(await attempt(dir)).toMatch(new RegExp(`^${dir}/_config\\.yml:3: not valid YAML \\(.+\\); fix it so \`jekyll build\` accepts it$`))
  })

  it('says where the posts should be when _posts is missing', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, '_config.yml'), 'title: ok\n')
    expect(await attempt(dir)).toBe(`${dir}/_posts: missing; a Jekyll blog keeps its posts there. Create it (it may be empty) if this site has none`)
  })
})

describe('includes', () => {
  it('a plain-HTML include without parameters is written into the post; others stay for Liquid', async () => {
    const { inlineIncludes } = await import('../../scripts/import/includes.ts')
    const site = await tempDir()
    await mkdir(join(site, '_includes', 'embed'), { recursive: true })
    await writeFile(join(site, '_includes', 'banner.html'), '<div class="banner">Buy the book</div>\n')
    await writeFile(join(site, '_includes', 'embed', 'video.html'), '<video src="{{ include.src }}"></video>\n')
    const text = [
      'Intro.',
      '',
      '{% include banner.html %}',
      '{% include banner.html title="x" %}',
      '{% include embed/video.html %}',
      '{% include missing.html %}',
      '{% raw %}{% include banner.html %}{% endraw %}',
      '```liquid',
      '{% include banner.html %}',
      '```',
    ].join('\n')
    const { text: out, inlined } = await inlineIncludes(text, site)
    const lines = out.split('\n')
    expect(lines[2]).toBe('<div class="banner">Buy the book</div>')
    expect(lines.slice(3)).toEqual(text.split('\n').slice(3))
    expect(inlined).toEqual(['banner.html'])
    expect((await inlineIncludes('{% include ../secret.html %}', site)).text).toBe('{% include ../secret.html %}')
  })
})

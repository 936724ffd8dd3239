// scripts/verify/jekyll.ts on a tiny site: real Jekyll's URLs and output files
// land in reference.json, bodies/ carries the marker, the input is untouched.
// Needs Debian's jekyll; skipped where it is not installed.
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { jekyllBuild } from '../../scripts/verify/jekyll.ts'
import { useTempDirs } from '../temp-dirs.ts'

const SITE = fileURLToPath(new URL('../fixtures/jekyll-reference', import.meta.url))
const tempDir = useTempDirs('kumo-verify-jekyll-')

describe.skipIf(!existsSync('/usr/bin/jekyll'))('verify:jekyll reference build', () => {
  it('records posts, pages and static files as Jekyll built them', { timeout: 120_000 }, async () => {
    const before = (await readdir(SITE, { recursive: true })).sort()
    const out = await tempDir()
    const ref = await jekyllBuild(SITE, out)
    const onDisk = JSON.parse(await readFile(join(out, 'reference.json'), 'utf8'))
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(ref)))

    expect(ref.posts.map((p) => [p.path, p.url, p.output])).toEqual([
      ['_posts/2023-05-06-second.markdown', '/2023/05/06/second.html', '2023/05/06/second.html'],
      ['_posts/2024-01-02-hello-world.md', '/notes/2024/01/02/hello-world.html', 'notes/2024/01/02/hello-world.html'],
    ])
    expect(ref.posts[0]).toMatchObject({ frontMatterDate: '2023-05-06 10:30:00 +0000', date: '2023-05-06T10:30:00+00:00' })
    expect(ref.posts[1]!.excerpt).toBe('<p>First paragraph, the excerpt.</p>\n')
    expect(ref.postsNotBuilt).toEqual([
      { path: '_posts/2999-01-01-far-future.md', reason: 'dated after the build (future: false), or unreadable' },
      { path: '_posts/README.md', reason: 'file name does not start with a date' },
    ])
    expect(ref.pages.map((p) => [p.path, p.url, p.output])).toEqual([['about.md', '/about/', 'about/index.html']])
    expect(ref.staticFiles.map((f) => [f.path, f.url])).toEqual([['assets/note.txt', '/assets/note.txt']])

    // The theme gem and the plugin are on no machine: stubbed and dropped.
    expect(ref.theme).toMatchObject({ requested: 'jekyll-theme-kumo-not-installed', used: null, siteMode: 'own-layouts' })
    expect(ref.plugins.dropped).toEqual(['jekyll-kumo-not-installed'])
    const files = ['2023/05/06/second.html', 'about/index.html', 'assets/note.txt', 'notes/2024/01/02/hello-world.html']
    expect(ref.files).toEqual({ site: files, bodies: files })

    // bodies/: exactly kramdown's output inside the marker; site/: the site's own layout.
    const body = await readFile(join(out, 'bodies/notes/2024/01/02/hello-world.html'), 'utf8')
    expect(body).toContain(
      '<article data-kumo-ref="body" data-layout="post"><p>First paragraph, the excerpt.</p>\n\n' +
        '<p>Second paragraph with <em>emphasis</em>.</p>\n</article>',
    )
    expect(await readFile(join(out, 'site/notes/2024/01/02/hello-world.html'), 'utf8')).toContain(
      '<main class="real-layout"><article class="real-post"><p>First paragraph',
    )
    // A post with no layout at all is written bare, in both builds.
    const bare = '<p>A post with no layout of its own and a <a href="/about/">link</a>.</p>\n'
    expect(await readFile(join(out, 'bodies/2023/05/06/second.html'), 'utf8')).toBe(bare)
    expect(await readFile(join(out, 'site/2023/05/06/second.html'), 'utf8')).toBe(bare)
    expect((await readdir(SITE, { recursive: true })).sort()).toEqual(before)
  })
})

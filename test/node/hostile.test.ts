// Hostile and unusual input (issue 15): each example from the issue's list, as
// the build, the importer and the deploy path now answer it — a one-line error
// naming the file and what to do, or a build — in bounded time.
import { mkdir, symlink, writeFile, readFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { Lexer } from 'marked'
import { describe, expect, it } from 'vitest'
import { HOSTILE_KINDS } from '../../scripts/bench/hostile-inputs.ts'
import { planDeploy } from '../../scripts/deploy/plan.ts'
import { importJekyll } from '../../scripts/import/index.ts'
import { build, buildToDisk } from '../../scripts/pipeline/index.ts'
import { LIMITS, nestingDepth } from '../../scripts/pipeline/limits.ts'
import { renderMarkdown } from '../../scripts/pipeline/markdown.ts'
import { holdParagraphTails } from '../../scripts/pipeline/paragraph-tail.ts'
import { sha256 } from '../../scripts/pipeline/manifest.ts'
import type { Post } from '../../scripts/pipeline/posts.ts'
import { buildSource } from '../../scripts/pipeline/render-pool.ts'
import { parseSiteConfig } from '../../scripts/pipeline/site-config.ts'
import { blobFile, blobIntact } from '../../scripts/pipeline/write.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-hostile-')
const SITE = 'title: Hostile\nurl: https://hostile.example\ntimezone: UTC\npermalink: /:year/:month/:title/\n'
const NOW = new Date('2025-06-01T00:00:00Z')
const post = (front: string, body = 'Hello.') => `---\n${front}\n---\n\n${body}\n`

async function site(files: Record<string, string>): Promise<string> {
  const dir = await tempDir()
  for (const [rel, text] of Object.entries({ 'site.yml': SITE, ...files })) {
    await mkdir(join(dir, rel, '..'), { recursive: true })
    await writeFile(join(dir, rel), text)
  }
  return dir
}

/** The build's failure message (the lines a writer reads), or 'built'. */
async function outcome(contentDir: string): Promise<string> {
  try {
    await build({ contentDir, outDir: join(contentDir, '..', 'dist'), publicDir: join(contentDir, '..', 'public'), now: NOW })
    return 'built'
  } catch (error) {
    return (error as Error).message
  }
}

const siteConfig = parseSiteConfig('site.yml', SITE)
/** One post through parse + render, as the render stage runs it; its one-line error or 'built', and the time. */
function renderOne(body: string, front = 'title: x\ndate: 2025-01-01'): { result: string; ms: number } {
  const started = performance.now()
  const out = buildSource({ kind: 'post', path: 'posts/2025-01-01-x.md', text: post(front, body) }, siteConfig, NOW.getTime())
  return { result: 'ok' in out ? 'built' : out.error.message, ms: performance.now() - started }
}

describe('route collisions name both sources', () => {
  it.each([
    ['permalink: /tags/', 'the tags index'],
    ['permalink: /sitemap.xml', 'the sitemap'],
    ['permalink: /page/2/', 'a page of the home page'],
    ['permalink: /feed.xml', 'a feed of the home page'],
    ['permalink: /api/posts/', 'the JSON API'],
  ])('a post with `%s` is refused as %s', async (front, owner) => {
    const dir = await site({ 'posts/2024-01-01-x.md': post(`title: X\n${front}`) })
    expect(await outcome(dir)).toMatch(new RegExp(`^posts/2024-01-01-x\\.md: has the URL \\S+, which is already ${owner}; change its permalink`))
  })

  it('a page at pages/archives.md is refused as the archives page', async () => {
    const dir = await site({ 'posts/2024-01-01-x.md': post('title: X'), 'pages/archives.md': post('title: Archives') })
    expect(await outcome(dir)).toBe('pages/archives.md: has the URL /archives/, which is already the archives page; rename the page or give it another permalink')
  })

  it('a post at a tag page of another post is refused, naming the tag', async () => {
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A\ntags: [ai]'), 'posts/2024-01-02-b.md': post('title: B\npermalink: /tags/ai/') })
    expect(await outcome(dir)).toMatch(/^posts\/2024-01-02-b\.md: has the URL \/tags\/ai\/, which is already the tag page of "ai"/)
  })

  it('a static file over a generated route is refused, naming the file', async () => {
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A'), 'static/sitemap.xml': '<x/>' })
    expect((await outcome(dir)).split('\n')).toEqual(['static/sitemap.xml: is served at /sitemap.xml, which is already the sitemap; rename or remove the file'])
  })

  it('a redirect_from over a post keeps the post and warns, naming both files (imported Jekyll sites have such pairs)', async () => {
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A'), 'posts/2024-01-02-b.md': post('title: B\nredirect_from: [/2024/01/a/, /tags/]') })
    const result = await build({ contentDir: dir, outDir: join(dir, '..', 'dist'), publicDir: join(dir, '..', 'public'), now: NOW })
    expect(result.warnings).toEqual([
      'posts/2024-01-02-b.md: `redirect_from` names /2024/01/a/, which is already the URL of posts/2024-01-01-a.md; that path keeps it, so the redirect is left out',
      'posts/2024-01-02-b.md: `redirect_from` names /tags/, which is already the tags index; that path keeps it, so the redirect is left out',
    ])
    expect(result.manifest.redirects['/2024/01/a/']).toBeUndefined()
    expect(result.manifest.routes['/2024/01/a/']).toBeDefined()
  })

  it('NFC and NFD spellings of one permalink are one route', async () => {
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A\npermalink: /caf\u00e9/'), 'posts/2024-01-02-b.md': post('title: B\npermalink: /cafe\u0301/') })
    expect(await outcome(dir)).toBe("posts/2024-01-02-b.md: has the same URL /caf\u00e9/ as posts/2024-01-01-a.md; change one file's permalink, slug or date")
  })
})

describe('one small file never stops everything', () => {
  it('2 KB of nested `>` is a one-line error naming the file and line, not a stack overflow', () => {
    const { result } = renderOne('>'.repeat(2000) + ' deep')
    expect(result).toBe(`posts/2025-01-01-x.md:6: quotes (\`>\`) and lists nest 2000 deep here, over the limit of ${LIMITS.nestingDepth}; flatten them`)
  })

  it("marked's own stack overflow (nested HTML blocks) is the file's one-line error", () => {
    const body = '<div markdown="1">\n'.repeat(3000) + 'x\n' + '</div>\n'.repeat(3000)
    expect(renderOne(body).result).toBe('posts/2025-01-01-x.md: is nested too deeply for the Markdown renderer (it ran out of stack); flatten its deepest quotes, lists or brackets')
  })

  it('a build with one such file names it among the others and writes nothing', async () => {
    const dir = await site({ 'posts/2024-01-01-ok.md': post('title: Fine'), 'posts/2024-01-02-deep.md': post('title: Deep', '>'.repeat(2000)) })
    const out = join(dir, '..', `dist-${Date.now()}`)
    await expect(buildToDisk({ contentDir: dir, outDir: out, publicDir: `${out}-public`, now: NOW })).rejects.toThrow(/^posts\/2024-01-02-deep\.md:5: quotes/)
    await expect(readFile(join(out, 'manifest.json'))).rejects.toThrow(/ENOENT/)
  })

  it('npm run build prints one line per problem and no stack trace, the stack only with --debug', async () => {
    const dir = await site({ 'posts/2024-01-01-deep.md': post('title: Deep', '<div markdown="1">\n'.repeat(3000) + '</div>\n'.repeat(3000)) })
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--quiet', '--no-cache', '--content', dir, ...args], { stdio: 'pipe' })
        return 'exit 0'
      } catch (error) {
        return String((error as { stderr: Buffer }).stderr)
      }
    }
    const plain = run([])
    expect(plain).toBe('build failed, nothing written:\nposts/2024-01-01-deep.md: is nested too deeply for the Markdown renderer (it ran out of stack); flatten its deepest quotes, lists or brackets\n')
    expect(run(['--debug'])).toMatch(/^RangeError: Maximum call stack size exceeded[\s\S]*\n\s+at /m)
  }, 60_000)
})

describe('every stage is linear or bounded', () => {
  it('an unterminated `{:` repeated over 200 KB builds in well under a second per 100 KB', () => {
    const { result, ms } = renderOne('{: '.repeat(70_000))
    expect(result).toBe('built')
    expect(ms).toBeLessThan(5000)
  })

  it.each([
    ['800-deep nested list, one item a line', Array.from({ length: 800 }, (_, d) => `${'  '.repeat(d)}- x`).join('\n')],
    ['5000-deep nested list on one line', `${'- '.repeat(5000)}x`],
  ])('a %s is refused at once, naming the line', (_, body) => {
    const { result, ms } = renderOne(body)
    expect(result).toMatch(new RegExp(`^posts/2025-01-01-x\\.md:\\d+: quotes \\(\`>\`\\) and lists nest \\d+ deep here, over the limit of ${LIMITS.nestingDepth}`))
    expect(ms).toBeLessThan(2000)
  })

  it('80,000 short paragraphs build (no spread overflow)', () => {
    const { result, ms } = renderOne(Array.from({ length: 80_000 }, (_, i) => `p${i}`).join('\n\n'))
    expect(result).toBe('built')
    expect(ms).toBeLessThan(30_000)
  }, 60_000)

  it('50,000 tags are refused by the tag limit, naming the line', () => {
    const tags = Array.from({ length: 50_000 }, (_, i) => `t${i}`).join(', ')
    expect(renderOne('x', `title: x\ndate: 2025-01-01\ntags: [${tags}]`).result).toBe(`posts/2025-01-01-x.md:4: has 50000 tags and categories, over the limit of ${LIMITS.termsPerPost}; keep the ones readers browse by`)
  })

  it('a post over the size limit is refused before its front matter is read', () => {
    const { result } = renderOne('x'.repeat(LIMITS.sourceBytes + 1))
    expect(result).toMatch(/^posts\/2025-01-01-x\.md: is 4\.0 MiB, over the 4 MiB a post or page may be; split it into several posts$/)
  })

  // Each of the benchmark's kinds builds. How its time grows with size is measured by
  // `npm run bench:hostile` (time per MB at 1x, 4x, 16x, and the ratio), not asserted here:
  // speed belongs in benchmarks, never in timed test assertions.
  it.each(HOSTILE_KINDS.map((k) => [k.name, k] as const))('%s: builds', (_, kind) => {
    expect(renderOne(kind.body(kind.base)).result).toBe('built')
  }, 60_000)

  it('counts nesting by markers and indentation, skipping fenced code', () => {
    expect(nestingDepth('- [ ] - [x] - x').depth).toBe(3)
    expect(nestingDepth('- [ ] [ ] x').depth).toBe(1)
    expect(nestingDepth('> > - a\n> >   - b').depth).toBe(4)
    expect(nestingDepth('```\n' + '>'.repeat(100) + '\n```').depth).toBe(0)
    expect(nestingDepth('- a\n  - b\n    - c\ntext\n- d').depth).toBe(3)
  })
})

describe('file system: links are refused before anything behind them is read', () => {
  it('a link in content/assets to an outside folder holding a FIFO is refused without reading it', async () => {
    const outside = await tempDir()
    execFileSync('mkfifo', [join(outside, 'never-read')])
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A'), 'assets/a.txt': 'a' })
    await symlink(outside, join(dir, 'assets', 'big'))
    // Reading the FIFO would block for ever: the refusal must come from lstat alone.
    expect(await outcome(dir)).toBe('assets/big: is a symbolic link; Kumo follows none in content/ (README "Limits"): copy the file itself here')
  })

  it('a link loop is one line per link, not a crash', async () => {
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A') })
    await mkdir(join(dir, 'static'))
    await symlink(join(dir, 'static', 'b'), join(dir, 'static', 'a'))
    await symlink(join(dir, 'static', 'a'), join(dir, 'static', 'b'))
    expect((await outcome(dir)).split('\n')).toEqual([
      'static/a: is a symbolic link; Kumo follows none in content/ (README "Limits"): copy the file itself here',
      'static/b: is a symbolic link; Kumo follows none in content/ (README "Limits"): copy the file itself here',
    ])
  })

  it('the importer refuses a symlinked _posts that leaves the site', async () => {
    const jekyll = await tempDir()
    const elsewhere = await tempDir()
    await writeFile(join(jekyll, '_config.yml'), 'title: J\nurl: https://j.example\n')
    await writeFile(join(elsewhere, '2020-01-01-secret.md'), post('title: Secret'))
    await symlink(elsewhere, join(jekyll, '_posts'))
    await expect(importJekyll(jekyll, join(await tempDir(), 'content'))).rejects.toThrow(`${join(jekyll, '_posts')}: is a symbolic link; the importer copies real files only, so put the folder itself in the site`)
  })
})

describe('config and URLs', () => {
  it('the importer refuses a YAML alias bomb in _config.yml quickly, without expanding it', async () => {
    const jekyll = await tempDir()
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`)
    await writeFile(join(jekyll, '_config.yml'), `title: Bomb\n${levels.join('\n')}\n`)
    await mkdir(join(jekyll, '_posts'))
    const started = performance.now()
    await expect(importJekyll(jekyll, join(await tempDir(), 'content'))).rejects.toThrow(`${join(jekyll, '_config.yml')}: its YAML aliases (\`*name\`) expand to over ${LIMITS.yamlNodes} values; write the values out`)
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it("the importer reads _config.yml as safe YAML, as Jekyll does: a js-yaml !!js/function tag is refused, naming the file and line", async () => {
    const jekyll = await tempDir()
    await writeFile(join(jekyll, '_config.yml'), 'title: J\nurl: !!js/function "function () { return 1 }"\n')
    await mkdir(join(jekyll, '_posts'))
    await expect(importJekyll(jekyll, join(await tempDir(), 'content'))).rejects.toThrow(
      new RegExp(`^${join(jekyll, '_config.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: not valid YAML \\(unknown tag !<tag:yaml\\.org,2002:js/function>\\)`),
    )
  })

  it('a javascript: site URL is refused', () => {
    expect(() => parseSiteConfig('site.yml', 'title: X\nurl: "javascript:alert(1)"\n')).toThrow('site.yml:2: `url` must be an http(s) URL such as https://example.com')
  })

  it('site.yml over the size limit is refused', () => {
    expect(() => parseSiteConfig('site.yml', `title: X\nurl: https://x.example\n#${'x'.repeat(LIMITS.configBytes)}\n`)).toThrow(/^site\.yml: is over 1 MiB/)
  })
})

describe('output integrity', () => {
  it('a tampered blob under dist/blobs/ is rewritten by the next build', async () => {
    const dir = await site({ 'posts/2024-01-01-a.md': post('title: A') })
    const out = join(dir, '..', `dist-${Date.now()}`)
    const opts = { contentDir: dir, outDir: out, publicDir: `${out}-public`, now: NOW }
    const first = await buildToDisk(opts)
    const [hash, json] = [...first.blobs][0]!
    await writeFile(blobFile(join(out, 'blobs'), hash), json.replace(/.$/s, ' '))
    await buildToDisk(opts)
    expect(await readFile(blobFile(join(out, 'blobs'), hash), 'utf8')).toBe(json)
  })

  it('the deploy refuses to upload a blob whose bytes do not match its name', () => {
    const good = '{"kind":"x"}'
    const hash = sha256(good).slice(0, 32)
    expect(blobIntact(hash, good)).toBe(true)
    const manifest = { v: 1, buildId: 'b', builtAt: NOW.toISOString(), template: 't', routes: { '/x/': [hash, '"e"', 0] }, records: {}, redirects: {}, schedule: [] }
    const plan = (json: string) => planDeploy(manifest as never, new Map([[hash, json]]), { builds: [], kept: [], blobs: new Set() }, { keep: 1, now: NOW })
    expect(plan(good).writes).toBe(2)
    expect(() => plan('{"kind":"y"}')).toThrow(`blob ${hash} does not match its hash (a file under dist/blobs/ was changed after the build); run \`npm run build\` to rewrite it`)
  })
})

describe('titles and names', () => {
  it('NUL and control characters never reach a title', () => {
    const out = buildSource({ kind: 'post', path: 'posts/2025-01-01-x.md', text: post('title: "a\\0b\\x1bc\\u0085d\\te"') }, siteConfig, NOW.getTime())
    expect('ok' in out && out.ok.title).toBe('abcd e')
  })

  it('NFD and NFC tag names are one tag', () => {
    const nfd = buildSource({ kind: 'post', path: 'posts/2025-01-01-x.md', text: post('title: x\ntags: [cafe\u0301]') }, siteConfig, NOW.getTime())
    expect('ok' in nfd && (nfd.ok as Post).tags[0]!.name).toBe('caf\u00e9')
  })
})

// The constructs that once read the rest of their paragraph or line at each repeat: the
// same HTML as before, in small; and at the size that was quadratic, a build.
describe('repeated openers render as before', () => {
  const html = (md: string) => renderMarkdown(md).html

  it('`~~`: a closer still pairs with the opener before it; past the budget of a hostile paragraph, `~~` is text, and the next document strikes through again', () => {
    expect(html('~~a ~~a ~~a b~~')).toBe('<p>~~a ~~a <del>a b</del></p>\n')
    const hostile = html(`${'~~a '.repeat(20_000)}b~~`)
    expect(hostile).not.toContain('<del>')
    expect(hostile.endsWith('~~a b~~</p>\n')).toBe(true)
    expect(html('~~gone~~ 删除~~了。~~后')).toBe('<p><del>gone</del> 删除<del>了。</del>后</p>\n')
  })

  it('`[^`: a defined footnote is still referenced, an undefined label or an unclosed `[^` is text', () => {
    const out = html('a[^n] [^a [^b [^x]\n\n[^n]: note')
    expect(out).toContain('<p>a<sup><a id="fn-ref-n" href="#fn-n" data-fn-ref aria-describedby="fn-label">1</a></sup> [^a [^b [^x]</p>')
    expect(out).toContain('<li id="fn-n">')
    expect(html(`${'[^a '.repeat(20_000)}[^n]\n\n[^n]: note`)).toContain('[^a [^a <sup><a id="fn-ref-n"')
  })

  it('link and footnote definition lines, one a line, are no definition-list terms and all resolve', () => {
    expect(html('[l1]: /one\n[l2]: /two\n\n[x][l1] [y][l2]')).toBe('<p><a href="/one">x</a> <a href="/two">y</a></p>\n')
    const defs = Array.from({ length: 20_000 }, (_, i) => `[l${i}]: /x/${i}`).join('\n')
    expect(html(`${defs}\n\n[last][l19999] [first][l0]`)).toBe('<p><a href="/x/19999">last</a> <a href="/x/0">first</a></p>\n')
    expect(html('Term\n: def')).toBe('<dl>\n<dt>Term</dt>\n<dd>def</dd>\n</dl>\n')
  })

  it('a run of attribute lists applies them all to the next block', () => {
    expect(html('{: .a}\n{: .b}\n{: #i}\nPara')).toBe('<p id="i" class="a b">Para</p>\n')
    const classes = Array.from({ length: 20_000 }, (_, i) => `{: .c${i}}`).join('\n')
    expect(html(`${classes}\nPara`)).toMatch(/^<p class="c0 c1 c2 [^"]* c19999">Para<\/p>\n$/)
  })

  it('lines a block tokenizer declines (a comment, a fence with no closer, an unclosed `<!--`) join the paragraph, all of them', () => {
    expect(html('text\n<!-- c -->\ntext\n<!-- c -->\n')).toBe('<p>text\n<!-- c -->\ntext\n<!-- c --></p>\n')
    expect(html('text\n```x\ntext\n```x\n')).toBe('<p>text\n<code>x text </code>x</p>\n')
    expect(html('text\n<!--\ntext\n<!--\n')).toBe('<p>text\n&lt;!–\ntext\n&lt;!–</p>\n')
    expect(html('text\n<!--\ntext <!-- a --> b\n')).toBe('<p>text\n<!--\ntext <!-- a --> b</p>\n')
    const comments = html('text\n<!-- c -->\n'.repeat(20_000))
    expect(comments.split('<p>').length).toBe(2)
    expect(comments.split('<!-- c -->').length).toBe(20_001)
    const fences = html('text\n```x\n'.repeat(20_000))
    expect(fences.split('<p>').length).toBe(2)
    expect(fences.split('text').length).toBe(20_001)
    const open = html('text\n<!--\n'.repeat(20_000))
    expect(open.split('<p>').length).toBe(2)
    expect(open.split('&lt;!–').length).toBe(20_001)
  })

  it('a long paragraph grown line by line keeps its whole source as its raw, and the tokens are marked\'s own', () => {
    const md = 'text\n    code\n'.repeat(2000)
    const held = new Lexer()
    holdParagraphTails(held)
    const tokens = held.lex(md)
    expect(tokens[0]).toMatchObject({ type: 'paragraph', raw: md })
    expect(tokens).toEqual(new Lexer().lex(md))
  })

  it('URL starts that are no URLs are text; a URL still ends where kramdown sees emphasis', () => {
    expect(html('see http://:http://: and http://a_b_c')).toBe('<p>see http://:http://: and <a href="http://a_b_c">http://a_b_c</a></p>\n')
    expect(html('x http://a.example/p_q_ *em*')).toBe('<p>x <a href="http://a.example/p_q">http://a.example/p_q</a>_ <em>em</em></p>\n')
    expect(html(`${'http://:mailto:'.repeat(20_000)} www.a.example`)).toContain('http://:mailto:http://:mailto: <a href="http://www.a.example">www.a.example</a>')
  })

  it('a line of task items nested past the limit is refused before the renderer', () => {
    expect(renderOne(`${'- [ ] '.repeat(5000)}x`).result).toBe(`posts/2025-01-01-x.md:6: quotes (\`>\`) and lists nest 5000 deep here, over the limit of ${LIMITS.nestingDepth}; flatten them`)
  })
})

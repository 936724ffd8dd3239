// Build safety: a corpus of malformed sources, each of which must fail the
// build with a message naming the file (and what to do), write nothing, and
// leave the previous output exactly as it was.
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BuildError, BuildErrors } from '../../scripts/pipeline/errors.ts'
import { buildToDisk } from '../../scripts/pipeline/index.ts'
import { urlPathProblem } from '../../scripts/pipeline/safety.ts'
import { safeJoin, writeTrees } from '../../scripts/pipeline/write.ts'
import { COMMON_HEADERS } from '../../src/shared/headers.ts'
import { isSafeUrl } from '../../src/shared/urls.ts'

const SITE = `title: Safety
url: https://safe.example
timezone: Asia/Tokyo
permalink: /:year/:month/:title/
paginate: 5
`
const GOOD = `---
title: A good post
---

Hello.
`

interface Case {
  name: string
  /** Path under content/ and its bytes. */
  file: string
  data: string | Uint8Array
  /** The message must match, after the file name prefix. */
  message: RegExp
  line?: number
}

const fm = (lines: string) => `---\n${lines}\n---\n\nBody.\n`

const CORPUS: Case[] = [
  { name: 'empty file', file: 'posts/2022-01-01-empty.md', data: '', message: /is empty/ },
  { name: 'no front matter', file: 'posts/2022-01-02-no-fm.md', data: 'Just text.\n', message: /no front matter/, line: 1 },
  { name: 'unclosed front matter', file: 'posts/2022-01-03-unclosed.md', data: '---\ntitle: x\n', message: /never closed/, line: 1 },
  { name: 'invalid YAML', file: 'posts/2022-01-04-yaml.md', data: fm('title: "unterminated\ntags: [a'), message: /not valid YAML/ },
  { name: 'missing title', file: 'posts/2022-01-05-no-title.md', data: fm('tags: [a]'), message: /`title` is missing/ },
  { name: 'empty title', file: 'posts/2022-01-06-empty-title.md', data: fm('title: "  "'), message: /`title` is empty/, line: 2 },
  { name: 'title as a list', file: 'posts/2022-01-07-list-title.md', data: fm('title: [a, b]'), message: /`title` must be text/, line: 2 },
  { name: 'impossible date', file: 'posts/2022-01-08-bad-date.md', data: fm('title: x\ndate: 2022-13-45'), message: /`date` "2022-13-45" is not a date Jekyll can read/, line: 3 },
  { name: 'bad last_modified_at', file: 'posts/2022-01-09-bad-mod.md', data: fm('title: x\nlast_modified_at: someday'), message: /`last_modified_at` "someday" is not a date Jekyll can read/, line: 3 },
  { name: 'permalink with ../', file: 'posts/2022-01-10-dotdot.md', data: fm('title: x\npermalink: /../../etc/passwd/'), message: /`permalink` gives the URL "\/..\/..\/etc\/passwd\/", which contains a `.` or `..` segment/, line: 3 },
  { name: 'permalink with a NUL', file: 'posts/2022-01-11-nul.md', data: fm('title: x\npermalink: "/a\\0b/"'), message: /`permalink` .* contains a NUL character/, line: 3 },
  { name: 'permalink with backslashes', file: 'posts/2022-01-12-backslash.md', data: fm('title: x\npermalink: "/..\\\\..\\\\windows/"'), message: /contains a backslash/, line: 3 },
  { name: 'permalink with a control character', file: 'posts/2022-01-13-control.md', data: fm('title: x\npermalink: "/a\\x1bb/"'), message: /contains a control character/, line: 3 },
  { name: 'slug of ..', file: 'posts/2022-01-14-slug.md', data: fm('title: x\nslug: ".."'), message: /`slug` gives the URL "\/2022\/01\/..\/", which contains a `.` or `..` segment/, line: 3 },
  { name: 'file name that slugs to ..', file: 'posts/2022-01-15-...md', data: fm('title: x'), message: /the file name with the `permalink` of site.yml gives the URL "\/2022\/01\/..\/"/ },
  { name: 'redirect_from with ..', file: 'posts/2022-01-16-redirect.md', data: fm('title: x\nredirect_from: [/old/../../x/]'), message: /`redirect_from` gives the URL "\/old\/..\/..\/x\/"/, line: 3 },
  { name: 'tag named ..', file: 'posts/2022-01-17-tag.md', data: fm('title: x\ntags: [".."]'), message: /`tags` gives the URL "\/tags\/..\/".*rename the tag ".."/, line: 3 },
  { name: 'category named .', file: 'posts/2022-01-18-cat.md', data: fm('title: x\ncategories: ["."]'), message: /`categories` gives the URL "\/categories\/.\/"/, line: 3 },
  { name: 'javascript: image', file: 'posts/2022-01-19-js-image.md', data: fm('title: x\nimage: "javascript:alert(1)"'), message: /`image` gives the URL "javascript:alert\(1\)", which is not an http\(s\) URL or a path/, line: 3 },
  { name: 'data: image with spaces before the scheme', file: 'posts/2022-01-20-data-image.md', data: fm('title: x\nimage:\n  path: " data:text/html,<script>alert(1)</script>"\n  alt: x'), message: /`image` .* is not an http\(s\) URL or a path/, line: 3 },
  { name: 'vbscript: image with a tab in the scheme', file: 'posts/2022-01-21-vb-image.md', data: fm('title: x\nimage: "vb\\tscript:msgbox(1)"'), message: /is not an http\(s\) URL or a path/, line: 3 },
  { name: 'image object without a path', file: 'posts/2022-01-22-image-obj.md', data: fm('title: x\nimage: { alt: hello }'), message: /`image` .*use a path \(`image: \/assets\/a.png`\) or `{ path: …, alt: … }`/, line: 3 },
  { name: 'tags as a mapping', file: 'posts/2022-01-23-tag-map.md', data: fm('title: x\ntags: { a: 1 }'), message: /`tags` .*use a list/, line: 3 },
  { name: 'invalid UTF-8', file: 'posts/2022-01-24-latin1.md', data: new Uint8Array([...Buffer.from('---\ntitle: caf'), 0xe9, ...Buffer.from('\n---\n')]), message: /is not valid UTF-8/ },
  { name: 'post with no date anywhere', file: 'posts/undated.md', data: fm('title: x'), message: /missing date/ },
  { name: 'page whose permalink leaves the site', file: 'pages/escape.md', data: fm('title: x\npermalink: /a/../../b/'), message: /`permalink` .* contains a `.` or `..` segment/, line: 3 },
  { name: 'page permalink with a NUL', file: 'pages/nul.md', data: fm('title: x\npermalink: "/about\\0/"'), message: /contains a NUL character/, line: 3 },
]

let root: string
let content: string
let out: string
let pub: string
let before: Map<string, string>

/** Every path under the root (except content/) with its bytes, symlinks marked: the whole observable output. */
async function snapshot(): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      const rel = relative(root, full)
      if (rel === 'content') continue
      if (entry.isDirectory()) {
        files.set(`${rel}/`, '')
        await walk(full)
      } else if ((await lstat(full)).isSymbolicLink()) files.set(rel, 'symlink')
      else files.set(rel, (await readFile(full)).toString('base64'))
    }
  }
  await walk(root)
  return files
}

const build = () => buildToDisk({ contentDir: content, outDir: out, publicDir: pub, now: new Date('2024-01-01T00:00:00Z') })

async function resetContent(): Promise<void> {
  await rm(content, { recursive: true, force: true })
  await mkdir(join(content, 'posts'), { recursive: true })
  await mkdir(join(content, 'assets'), { recursive: true })
  await writeFile(join(content, 'site.yml'), SITE)
  await writeFile(join(content, 'posts', '2021-05-05-good.md'), GOOD)
  await writeFile(join(content, 'assets', 'a.txt'), 'asset')
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kumo-safety-'))
  content = join(root, 'content')
  out = join(root, 'dist')
  pub = join(root, 'public')
  await resetContent()
  await build() // the previous, good output every failure must leave in place
  await writeFile(join(root, 'sentinel.txt'), 'untouched')
  before = await snapshot()
  expect([...before.keys()]).toEqual(expect.arrayContaining(['dist/summary.json', 'dist/manifest.json', 'public/assets/a.txt', 'sentinel.txt']))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('a corpus of malformed sources', () => {
  it('has at least 20 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(20)
  })

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s: fails naming the file, writes nothing, keeps the old output', async (_, c) => {
    await resetContent()
    await mkdir(join(content, c.file, '..'), { recursive: true })
    await writeFile(join(content, c.file), c.data)
    const error = await build().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error, 'the build must fail').toBeDefined()
    const errors = error instanceof BuildErrors ? error.errors : [error as BuildError]
    expect(errors).toHaveLength(1)
    const e = errors[0]!
    expect(e).toBeInstanceOf(BuildError)
    expect(e.file).toBe(c.file)
    if (c.line !== undefined) expect(e.line).toBe(c.line)
    expect(e.message.startsWith(`${c.file}${e.line ? `:${e.line}` : ''}: `), e.message).toBe(true)
    expect(e.message).toMatch(c.message)
    expect(await snapshot()).toEqual(before)
  })

  it('refuses a symbolic link in content/assets, naming it, and keeps the old output', async () => {
    await resetContent()
    await symlink('/etc/hostname', join(content, 'assets', 'leak.txt'))
    await expect(build()).rejects.toThrow(/^assets\/leak\.txt: is a symbolic link/)
    expect(await snapshot()).toEqual(before)
  })

  it('builds again once the bad file is gone', async () => {
    await resetContent()
    await build()
    // Same content, same output, except the build time in summary.json.
    const after = await snapshot()
    const withoutSummary = (m: Map<string, string>) => new Map([...m].filter(([k]) => k !== 'dist/summary.json'))
    expect(withoutSummary(after)).toEqual(withoutSummary(before))
    before = after
  })
})

describe('static assets', () => {
  it('carry the security headers through the _headers file Workers Static Assets reads', async () => {
    const headers = await readFile(join(pub, '_headers'), 'utf8')
    const block = headers.split(/\n(?=\/)/).find((b) => b.startsWith('/*\n'))!
    expect(block).toBeDefined()
    for (const [name, value] of Object.entries(COMMON_HEADERS)) expect(block).toContain(`  ${name}: ${value}\n`)
    expect(block).toContain("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; sandbox")
  })
})

describe('write', () => {
  it.each(['../x', '../../etc/passwd', '/etc/passwd', 'a/../../x', 'a\0b', '', '.'])('safeJoin refuses %j', (path) => {
    expect(() => safeJoin(root, path)).toThrow(BuildError)
  })

  it('leaves the previous output in place when a file in the new one cannot be written', async () => {
    await expect(writeTrees([{ dir: out, files: [{ path: 'ok.txt', data: 'x' }, { path: '../escape.txt', data: 'x' }] }])).rejects.toThrow(/would leave the output folder/)
    expect(await snapshot()).toEqual(before)
  })
})

describe('URL checks', () => {
  it.each([
    ['/2025/01/post/', undefined],
    ['/tags/大模型/', undefined],
    ['/a/../b/', 'contains a `.` or `..` segment'],
    ['//evil.example/', 'is not a path on this site (it must start with a single `/`)'],
    ['relative/', 'is not a path on this site (it must start with a single `/`)'],
    ['/a\\b/', 'contains a backslash'],
    ['/a\u0000/', 'contains a NUL character'],
    ['/a\n/', 'contains a control character'],
  ])('urlPathProblem(%j) is %j', (path, problem) => {
    expect(urlPathProblem(path)).toBe(problem)
  })

  it.each([
    ['/assets/a.png', true],
    ['a.png', true],
    ['https://cdn.example/a.png', true],
    ['HTTP://cdn.example/a.png', true],
    ['//cdn.example/a.png', true],
    ['/a:b.png', true],
    ['javascript:alert(1)', false],
    ['JavaScript:alert(1)', false],
    [' javascript:alert(1)', false],
    ['java\tscript:alert(1)', false],
    ['java\nscript:alert(1)', false],
    ['data:image/svg+xml,<svg onload=alert(1)>', false],
    ['vbscript:x', false],
    ['\u0001javascript:x', false],
  ])('isSafeUrl(%j) is %j', (url, safe) => {
    expect(isSafeUrl(url)).toBe(safe)
  })
})

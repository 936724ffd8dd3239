/**
 * The same corpus built by Hugo, for comparison. The benchmark carries a
 * minimal theme of its own (home and list pages with pagination, post pages
 * with taxonomy links, taxonomy indexes, RSS and sitemap as Hugo makes them by
 * default) so Hugo does the work a blog theme would, with classes for
 * highlighting as Kumo uses.
 */

import { execFile } from 'node:child_process'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parseDate, toRfc3339 } from '../../src/shared/time.ts'

const run = promisify(execFile)

const LAYOUTS: Record<string, string> = {
  '_default/baseof.html': `<!doctype html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }} | {{ .Site.Title }}</title><meta name="description" content="{{ .Summary | plainify | truncate 160 }}"><link rel="canonical" href="{{ .Permalink }}"><link rel="alternate" type="application/rss+xml" href="/index.xml"></head><body><header><a href="/">{{ .Site.Title }}</a> <a href="/tags/">Tags</a> <a href="/categories/">Categories</a></header><main>{{ block "main" . }}{{ end }}</main><footer>{{ .Site.Title }}</footer></body></html>`,
  '_default/single.html': `{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time> · {{ .ReadingTime }} min</p><ul>{{ range .GetTerms "categories" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul><ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ .TableOfContents }}<div>{{ .Content }}</div><nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ $related := .Site.RegularPages.Related . | first 5 }}{{ with $related }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}</article>{{ end }}`,
  '_default/list.html': `{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}<ol>{{ range $p.Pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary | plainify | truncate 160 }}</p></li>{{ end }}</ol>{{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">prev</a>{{ end }}{{ with $p.Next }}<a rel="next" href="{{ .URL }}">next</a>{{ end }}{{ end }}`,
  '_default/terms.html': `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}`,
  'index.html': `{{ define "main" }}{{ $p := .Paginate (where .Site.RegularPages "Type" "posts") }}<ol>{{ range $p.Pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary | plainify | truncate 160 }}</p></li>{{ end }}</ol>{{ with $p.Next }}<a rel="next" href="{{ .URL }}">next</a>{{ end }}{{ end }}`,
}

const CONFIG = `baseURL = "https://bench.example/"
title = "Bench"
languageCode = "zh-Hans"
timeZone = "Asia/Tokyo"
paginate = 10
hasCJKLanguage = true
[permalinks]
  posts = "/:year/:month/:slug/"
[taxonomies]
  tag = "tags"
  category = "categories"
[markup.highlight]
  noClasses = false
[markup.goldmark.renderer]
  unsafe = true
`

/** Turns a Jekyll-style corpus (posts/YYYY-MM-DD-slug.md) into a Hugo site. */
export async function hugoSite(corpusDir: string, siteDir: string, timeZone: string): Promise<number> {
  const posts = join(siteDir, 'content', 'posts')
  await mkdir(posts, { recursive: true })
  for (const [file, text] of Object.entries(LAYOUTS)) {
    await mkdir(join(siteDir, 'layouts', file, '..'), { recursive: true })
    await writeFile(join(siteDir, 'layouts', file), text)
  }
  await writeFile(join(siteDir, 'hugo.toml'), CONFIG)
  const names = (await readdir(join(corpusDir, 'posts'))).filter((n) => /\.(md|markdown)$/.test(n))
  for (const name of names) {
    const text = await readFile(join(corpusDir, 'posts', name), 'utf8')
    const slug = name.replace(/^\d{4}-\d{1,2}-\d{1,2}-/, '').replace(/\.(md|markdown)$/, '')
    // Hugo wants RFC 3339 dates, a slug, and lists for taxonomies (Jekyll also takes `a b`).
    const converted = text
      .replace(/^(categories|tags):[ \t]*(?![[\s])([^\n]+)$/m, (_, key: string, value: string) => `${key}: [${value.trim().split(/\s+/).join(', ')}]`)
      .replace(/^date:\s*(.+)$/m, (line, value: string) => {
      const d = parseDate(value.replace(/^["']|["']$/g, ''), timeZone)
      return d ? `date: ${toRfc3339(d.ms, d.offsetMinutes)}\nslug: "${slug}"` : line
    })
    await writeFile(join(posts, name.replace(/\.markdown$/, '.md')), converted)
  }
  return names.length
}

/** Hugo's arguments for one build of `siteDir` into `outDir`. */
export const hugoArgs = (siteDir: string, outDir: string): string[] => ['--quiet', '--source', siteDir, '--destination', outDir, '--cleanDestinationDir']

/** Runs Hugo once; returns wall milliseconds. */
export async function hugoBuild(siteDir: string, outDir: string): Promise<number> {
  const t0 = performance.now()
  await run('hugo', hugoArgs(siteDir, outDir), { maxBuffer: 64 << 20 })
  return performance.now() - t0
}

export async function hugoVersion(): Promise<string | undefined> {
  try {
    return (await run('hugo', ['version'])).stdout.trim().split(' ')[1]
  } catch {
    return undefined
  }
}

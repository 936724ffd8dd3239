// Every date form in test/fixtures/jekyll-dates/ lands at the URL real Jekyll
// gave it. expected.json is Jekyll's output, made once with Debian's jekyll
// 4.3.1: `jekyll build -s test/fixtures/jekyll-dates -d <tmp>`, each
// index.html's folder keyed by its post's slug. The permalink carries the
// hour, minute and second on the site clock, so a date read in the wrong zone
// fails even when the day survives.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { buildPost } from '../../scripts/pipeline/posts.ts'
import type { SiteConfig } from '../../src/shared/schema.ts'

const DIR = fileURLToPath(new URL('../fixtures/jekyll-dates/', import.meta.url))
const config = yaml.load(await readFile(join(DIR, '_config.yml'), 'utf8')) as { timezone: string; permalink: string }
const expected = JSON.parse(await readFile(join(DIR, 'expected.json'), 'utf8')) as Record<string, string>
const site: SiteConfig = { title: 'Dates', description: '', url: 'https://dates.example', author: { name: '' }, lang: 'en', timezone: config.timezone, permalink: config.permalink, paginate: 10 }
const files = (await readdir(join(DIR, '_posts'))).sort()

describe('dates as Jekyll 4.3 reads them', () => {
  it('has a Jekyll URL for every fixture post', () => {
    expect(files.length).toBe(Object.keys(expected).length)
  })

  it.each(files)('%s', async (name) => {
    const text = await readFile(join(DIR, '_posts', name), 'utf8')
    const written = /^date: (.*)$/m.exec(text)?.[1] ?? '(from the file name)'
    const post = buildPost({ kind: 'post', path: `posts/${name}`, text }, site, Date.UTC(2030, 0, 1))
    const slug = name.replace(/^\d+-\d+-\d+-|\.md$/g, '')
    expect(post.path, `date: ${written}`).toBe(expected[slug])
  })
})

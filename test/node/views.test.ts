// Views are pure functions of data: render them directly and check the UI language follows site.yml's `lang`.
import { describe, expect, it } from 'vitest'
import type { ArchiveYears, ArchivesRecord, SiteRecord } from '../../src/shared/schema.ts'
import { archivesHtml } from '../../src/shared/archives.tsx'
import { renderDocument } from '../../src/views/layout.tsx'
import { ArchivesPage, ErrorPage } from '../../src/views/pages.tsx'

const site = (lang: string): SiteRecord => ({
  kind: 'site',
  v: 1,
  title: 'T',
  description: 'D',
  url: 'https://example.com',
  author: { name: 'A' },
  lang,
  timezone: 'UTC',
  paginate: 10,
  assets: { css: '/_kumo/style.0123456789.css', favicon: '/favicon.svg' },
})

const years: ArchiveYears = [{ year: '2024', months: [{ month: '03', posts: [{ path: '/2024/03/x/', title: 'X', day: '2024-03-05' }] }] }]
const archives = (lang: string): ArchivesRecord => ({ kind: 'archives', v: 1, total: 1, html: archivesHtml(years, lang) })

describe('UI strings', () => {
  it('are English for lang en and Chinese for zh-Hans, on the page and in the header', async () => {
    const en = await renderDocument(ArchivesPage({ site: site('en'), record: archives('en') }))
    expect(en).toMatch(/^<!doctype html><html lang="en">/)
    expect(en).toContain('<h3 id="y2024-03">March</h3>')
    expect(en).toContain('placeholder="Search posts…"')
    expect(en).toContain('aria-current="page">Archives</a>')
    const zh = await renderDocument(ArchivesPage({ site: site('zh-Hans'), record: archives('zh-Hans') }))
    expect(zh).toContain('<h3 id="y2024-03">3 月</h3>')
    expect(zh).toContain('placeholder="搜索文章…"')
    expect(zh).toContain('aria-current="page">归档</a>')
  })

  it('error pages speak the site language and never carry a canonical link', async () => {
    const en = await renderDocument(ErrorPage({ site: site('en'), code: 'not-found' }))
    expect(en).toContain('<h1>Page not found</h1>')
    expect(en).not.toContain('rel="canonical"')
    expect(await renderDocument(ErrorPage({ site: site('zh-Hans'), code: 'not-found' }))).toContain('<h1>页面不存在</h1>')
  })
})

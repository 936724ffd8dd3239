// Comments and analytics from site.yml: the embed each provider documents, the old
// thread mapping, and exactly its origins in the page's CSP, only where it loads.
import { describe, expect, it } from 'vitest'
import { pageCsp } from '../../src/shared/headers.ts'
import type { PostView, SiteRecord } from '../../src/shared/schema.ts'
import { analyticsTags, commentEmbed, thirdPartySources } from '../../src/shared/third-party.ts'
import { renderDocument } from '../../src/views/layout.tsx'
import { ErrorPage } from '../../src/views/pages.tsx'
import { PostPage } from '../../src/views/post.tsx'

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `)) ?? ''

const site: SiteRecord = {
  kind: 'site', v: 1, title: 'T', description: '', url: 'https://blog.example', author: { name: 'A' },
  lang: 'zh-Hans', timezone: 'UTC', paginate: 10, assets: { css: '/s.css' },
}
const post: PostView = {
  kind: 'post', v: 1, path: '/2024/01/中文/', title: '中文', date: '2024-01-01T00:00:00Z', day: '2024-01-01', excerpt: '', tags: [], categories: [],
  readingMinutes: 1, pinned: false, description: '', lang: 'zh-Hans', html: '<p>x</p>', toc: [], scriptHashes: [], source: 'posts/x.md', prev: null, next: null, related: [],
}

describe('comments', () => {
  it('utterances keeps the configured issue-term and adds only utteranc.es, on posts only', async () => {
    const s: SiteRecord = { ...site, comments: { provider: 'utterances', repo: 'me/blog', issueTerm: 'og:title', label: 'comment' } }
    const html = await renderDocument(PostPage({ site: s, post }))
    const attrs = JSON.parse(/data-attrs="([^"]*)"/.exec(html)![1]!.replace(/&quot;/g, '"').replace(/&#34;/g, '"'))
    expect(attrs).toMatchObject({ repo: 'me/blog', 'issue-term': 'og:title', label: 'comment', theme: 'preferred-color-scheme' })
    expect(html).toContain('data-embed="https://utteranc.es/client.js"')
    expect(directive(pageCsp([], thirdPartySources(s, { post: true })), 'script-src')).toMatch(/ https:\/\/utteranc\.es$/)
    expect(pageCsp([], thirdPartySources(s, { post: false }))).toBe(pageCsp())
  })

  it('giscus keeps its mapping and ids, with its language from the site', () => {
    const e = commentEmbed({ provider: 'giscus', repo: 'me/blog', repoId: 'R_1', category: 'Announcements', categoryId: 'C_1', mapping: 'pathname' }, { url: '', path: '/p/', lang: 'zh-Hans' })
    expect(e.attrs).toMatchObject({ 'data-repo-id': 'R_1', 'data-category-id': 'C_1', 'data-mapping': 'pathname', 'data-lang': 'zh-CN' })
    const csp = pageCsp([], thirdPartySources({ comments: { provider: 'giscus', repo: 'a/b', repoId: '', category: '', categoryId: '', mapping: 'url' } }, { post: true }))
    expect(directive(csp, 'style-src')).toBe("style-src 'self' https://giscus.app")
  })

  it("disqus gets Jekyll's page.url (percent-encoded) as identifier and the absolute URL", async () => {
    const s: SiteRecord = { ...site, comments: { provider: 'disqus', shortname: 'myblog' } }
    const html = await renderDocument(PostPage({ site: s, post }))
    expect(html).toContain('data-disqus-identifier="/2024/01/%E4%B8%AD%E6%96%87/"')
    expect(html).toContain('data-disqus-url="https://blog.example/2024/01/%E4%B8%AD%E6%96%87/"')
    expect(directive(pageCsp([], thirdPartySources(s, { post: true })), 'script-src')).toContain('https://myblog.disqus.com')
  })

  it('are absent when not configured', async () => {
    expect(await renderDocument(PostPage({ site, post }))).not.toMatch(/data-embed=|class="comments/)
  })
})

describe('analytics', () => {
  const s: SiteRecord = { ...site, analytics: { google: 'G-ABC123', goatcounter: 'me', cloudflare: '0123456789abcdef0123456789abcdef' } }

  it('load each configured provider, with its origins on every page kind', async () => {
    expect(analyticsTags(s.analytics).map((t) => new URL(t.src).origin)).toEqual(['https://www.googletagmanager.com', 'https://gc.zgo.at', 'https://static.cloudflareinsights.com'])
    const csp = pageCsp([], thirdPartySources(s, { post: false }))
    expect(directive(csp, 'connect-src')).toContain('https://me.goatcounter.com')
    expect(directive(csp, 'connect-src')).toContain('https://*.google-analytics.com')
    expect(directive(csp, 'script-src')).not.toContain('*')
    const html = await renderDocument(PostPage({ site: s, post }))
    expect(html).toContain('data-ga="G-ABC123"')
    expect(html).toContain('data-goatcounter="https://me.goatcounter.com/count"')
  })

  it('never load on error pages, nor when not configured', async () => {
    expect(await renderDocument(ErrorPage({ site: s, code: 'not-found' }))).not.toMatch(/googletagmanager|goatcounter|data-ga=/)
    expect(analyticsTags(undefined)).toEqual([])
    expect(pageCsp([], thirdPartySources(site, { post: true }))).toBe(pageCsp())
  })
})

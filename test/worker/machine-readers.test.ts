// Machine readers beyond feeds: each post's Markdown beside its page, and
// /llms-full.txt with every post's full text, validated like the feeds.
import { describe, expect, it } from 'vitest'
import { DELTA_EDIT } from '../fixture.ts'
import { get } from './helpers.ts'

const POST = DELTA_EDIT.path
const MARKDOWN = `${POST}index.md`

/** Post paths /llms.txt lists, in its order. */
async function listed(): Promise<string[]> {
  const text = await (await get('/llms.txt')).text()
  return [...text.matchAll(/^- \[.*\]\(https:\/\/[^/]+(\/[^)]*)\)/gm)].map((m) => decodeURI(m[1]!)).filter((p) => p !== '/llms-full.txt')
}

describe("a post's Markdown", () => {
  it('is advertised by the page as its text/markdown alternate', async () => {
    const html = await (await get(POST)).text()
    expect(html).toContain(`<link rel="alternate" type="text/markdown" href="${MARKDOWN}"`)
  })

  it('is served beside the page: title block, then the source body, Liquid resolved', async () => {
    const res = await get(MARKDOWN)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const text = await res.text()
    expect(text).toMatch(/^# Rendering a blog at the edge with Workers and KV\n\n- URL: https:\/\/blog\.example\.com\/2025\/03\/edge-rendering-with-workers\/\n- Published: 2025-03-02T09:05:00\+09:00\n/)
    expect(text).toContain(DELTA_EDIT.from)
    expect(text).toContain('## One KV read per page')
    expect(text).not.toMatch(/\{%|\{\{/)
  })

  it('revalidates like a feed: ETag and Last-Modified, 304 with no body', async () => {
    const res = await get(MARKDOWN)
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(/^"[0-9a-f]+"$/)
    expect((await get(MARKDOWN, { headers: { 'If-None-Match': etag } })).status).toBe(304)
    expect((await get(MARKDOWN, { headers: { 'If-Modified-Since': res.headers.get('last-modified')! } })).status).toBe(304)
  })
})

describe('/llms-full.txt', () => {
  it('is named by /llms.txt, under Optional', async () => {
    expect(await (await get('/llms.txt')).text()).toContain('## Optional\n\n- [Full text of every post](https://blog.example.com/llms-full.txt)')
  })

  it("holds every post /llms.txt lists, in its order, each with its own Markdown's text", async () => {
    const res = await get('/llms-full.txt')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const text = await res.text()
    const posts = await listed()
    expect(posts.length).toBeGreaterThan(3)
    const urls = [...text.matchAll(/^- URL: https:\/\/[^/]+(\/\S*)$/gm)].map((m) => decodeURI(m[1]!))
    expect(urls).toEqual(posts)
    const own = await (await get(MARKDOWN)).text()
    expect(text).toContain(own.trimEnd())
    // One page for a small blog: no link onward.
    expect(text).not.toContain('Next page:')
  })

  it('revalidates with 304s', async () => {
    const res = await get('/llms-full.txt')
    expect((await get('/llms-full.txt', { headers: { 'If-None-Match': res.headers.get('etag')! } })).status).toBe(304)
    expect((await get('/llms-full.txt', { headers: { 'If-Modified-Since': res.headers.get('last-modified')! } })).status).toBe(304)
  })
})

// npm start's reload proxy (scripts/preview/proxy.ts) in front of a stand-in worker: pages carry
// the worker's ETag for the reload script, the event stream names the build and the pages a
// saved post changed (one `data:` line each, HTML §9.2.6), and `built` with changed pages waits
// until one of them has been asked for again, so the rest of the build does not delay it. The
// proxy listens from the runtime's start: a page asked for before the first build is held until
// that build is live, or has failed.
import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { ETAG_HEADER } from '../../scripts/preview/client.ts'
import { startProxy, type PreviewProxy } from '../../scripts/preview/proxy.ts'

const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.close()
})

/** A worker stand-in: every path is an HTML page with an ETag. */
async function upstream(): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"page-v1"' })
    res.end('<!doctype html><html><body><p>post</p></body></html>')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  open.push({ close: () => new Promise((r) => server.close(r)) })
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

/** The event stream's text as it arrives. */
async function events(proxy: PreviewProxy): Promise<{ text: () => string }> {
  const res = await fetch(`${proxy.url}/_kumo/preview/events`)
  const reader = res.body!.getReader()
  let text = ''
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (done) return
      text += new TextDecoder().decode(value)
    }
  })()
  open.push({ close: () => reader.cancel().catch(() => undefined) })
  while (!text.includes('\n\n')) await new Promise((r) => setTimeout(r, 5))
  return { text: () => text }
}

describe('the preview proxy', () => {
  it("holds a page asked for before the first build, then passes the worker's ETag to the reload script, not as a validator", async () => {
    const proxy = await startProxy(await upstream(), 0)
    open.push(proxy)
    let answered = false
    const asked = fetch(`${proxy.url}/posts/a/`).then(async (res) => {
      answered = true
      return { res, html: await res.text() }
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(answered).toBe(false)
    await proxy.built('b1')
    const { res, html } = await asked
    expect([res.status, res.headers.get('etag'), res.headers.get(ETAG_HEADER), res.headers.get('cache-control')]).toEqual([200, null, '"page-v1"', 'no-store'])
    expect(html).toContain('data-etag="&#34;page-v1&#34;"')
    expect(html).toContain('data-build="b1"')
  })

  it('answers a page held during a first build that failed with its error', async () => {
    const proxy = await startProxy(await upstream(), 0)
    open.push(proxy)
    const asked = fetch(`${proxy.url}/`, { headers: { accept: 'text/html' } })
    await new Promise((r) => setTimeout(r, 20))
    proxy.failed('content/posts/a.md: the front matter is not YAML')
    const res = await asked
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('content/posts/a.md: the front matter is not YAML')
  })

  it('names the changed pages in the event and waits until one is asked for again', async () => {
    const proxy = await startProxy(await upstream(), 0)
    open.push(proxy)
    const stream = await events(proxy)
    let settled = false
    const told = proxy.built('b2', ['/posts/a/', '/posts/雪/']).then(() => (settled = true))
    while (!stream.text().includes('b2')) await new Promise((r) => setTimeout(r, 5))
    expect(stream.text()).toContain('event: build\ndata: b2\ndata: /posts/a/\ndata: /posts/雪/\n\n')
    await new Promise((r) => setTimeout(r, 50))
    expect(settled).toBe(false)
    const t0 = performance.now()
    await (await fetch(`${proxy.url}/posts/a/`)).text()
    await told
    expect(performance.now() - t0).toBeLessThan(200)
    // A build with no changed pages named does not wait.
    await proxy.built('b3')
    while (!stream.text().includes('b3')) await new Promise((r) => setTimeout(r, 5))
    expect(stream.text()).toContain('event: build\ndata: b3\n\n')
  })

  it('does not wait when no page is open', async () => {
    const proxy = await startProxy(await upstream(), 0)
    open.push(proxy)
    const t0 = performance.now()
    await proxy.built('b2', ['/posts/a/'])
    expect(performance.now() - t0).toBeLessThan(100)
  })
})

// Property-based hostile requests (fast-check) against the worker in workerd
// with the fixture build in real KV: at least 10,000 generated requests, none
// of which may get a 5xx, throw, or find its input reflected in the body.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import app from '../../src/index.ts'
import { decodePath } from '../../src/data/paths.ts'
import { isDataPath } from '../../src/shared/headers.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { seededManifest } from './faulty-kv.ts'
import { ORIGIN } from './helpers.ts'

/** A token no page contains; generated input carries it, and no body may echo it. */
const MARKER = `kz${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`
const RUNS = 2600 // per property; four properties: 10,400 requests
let requests = 0
let manifest: Manifest
let routes: string[]

beforeAll(async () => {
  manifest = await seededManifest()
  routes = Object.keys(manifest.routes)
})
afterAll(() => {
  expect(requests).toBeGreaterThanOrEqual(10_000)
})

/** UTF-8 bytes as a ByteString: how a client's raw non-ASCII header bytes reach the worker. */
const asBytes = (s: string) => String.fromCharCode(...new TextEncoder().encode(s)).replace(/[\r\n\0]/g, ' ')

const cjk = fc.constantFrom('大模型', '国际关系', '南箕北斗集', '算法', '東京', '한국어', 'ｶﾀｶﾅ', '𠮷野家', '\u2028', '🎉')
const badEscapes = fc.constantFrom('%E4%B8', '%00', '%2e%2e', '%2E%2E%2F', '%', '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%2F%2F', '%5C', '%u4e2d', '%25', '%%', '%E4%B8%')
const dots = fc.constantFrom('..', '.', '...', '//', '\\', '\\..\\', './', '../..', ';', '%20', '~', 'index.html', 'INDEX.HTML', 'feed.json', 'rss.xml', 'api')
const ascii = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$&\'()*+,;=:@'), maxLength: 24 })
const marker = fc.constantFrom(MARKER, `<${MARKER}>`, `"><script>${MARKER}</script>`, `javascript:${MARKER}`, `%3C${MARKER}%3E`)

/** Takes a real route and changes it the ways crawlers and scanners do. */
const mutatedRoute = () =>
  fc.tuple(fc.nat(), fc.array(fc.nat({ max: 7 }), { maxLength: 3 }), fc.oneof(cjk, badEscapes, dots, ascii, marker)).map(([i, ops, extra]) => {
    let p = routes[i % routes.length]!
    for (const op of ops) {
      if (op === 0) p = p.toUpperCase()
      else if (op === 1) p = p.replace(/[a-z]/, (c) => c.toUpperCase())
      else if (op === 2) p = p.endsWith('/') ? p.slice(0, -1) : `${p}/`
      else if (op === 3) p = `${p}${p.endsWith('/') ? '' : '/'}index.html`
      else if (op === 4) p = p.replace('/', '//')
      else if (op === 5) p = `${p}${extra}`
      else if (op === 6) p = `/${extra}${p}`
      else p = p.split('/').map((s) => encodeURIComponent(s)).join('/')
    }
    return p
  })

const segment = fc.oneof(cjk, badEscapes, dots, ascii, marker)
const randomPath = fc.array(segment, { maxLength: 8 }).map((s) => `/${s.join('/')}`)
const longPath = fc.tuple(segment, fc.integer({ min: 200, max: 3000 })).map(([s, n]) => `/${`${s}/`.repeat(Math.ceil(n / (s.length + 1)))}`)
const path = fc.oneof({ weight: 3, arbitrary: mutatedRoute() }, { weight: 3, arbitrary: randomPath }, { weight: 1, arbitrary: longPath })

const query = fc.oneof(
  fc.constant(''),
  fc.array(fc.tuple(fc.oneof(ascii, cjk, marker, badEscapes), fc.oneof(ascii, cjk, marker, badEscapes, dots)), { maxLength: 4 }).map((kv) => `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}`),
  fc.tuple(marker, fc.integer({ min: 1000, max: 20000 })).map(([m, n]) => `?q=${m}${'x'.repeat(n)}`),
)

// Header values stay ASCII here (workerd warns on every non-ASCII one); CJK in headers has its own test below.
const garbage = fc.oneof(fc.string({ maxLength: 200 }), marker, fc.integer({ min: 1000, max: 20000 }).map((n) => 'W/"'.repeat(n / 3)))
const header = (valid: fc.Arbitrary<string>) => fc.option(fc.oneof(valid, garbage).map(asBytes), { nil: undefined })
const headers = fc.record({
  'if-none-match': header(fc.constantFrom('*', '"abc"', 'W/"abc"', '"a", "b"', ',,,,', '"' + 'f'.repeat(24) + '"')),
  'if-modified-since': header(fc.constantFrom('Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'yesterday', '-1', '2025-01-01')),
  range: header(fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=10-', 'bytes=5-1', 'bytes=0-0,1-1,2-2', 'pages=1', 'bytes=99999999999999999999-')),
  'accept-language': header(fc.constantFrom('zh-CN', 'en', '*')),
  'cf-ray': header(fc.constantFrom('8f00-NRT')),
})

// Methods workerd's Request accepts (it refuses unknown tokens such as BREW before a worker could see them).
const OTHER_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'PURGE', 'post', 'Options'].filter((m) => {
  try {
    return new Request(ORIGIN, { method: m }) !== undefined
  } catch {
    return false
  }
})
const method = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'HEAD', 'get', 'Head') }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) })

interface Generated {
  method: string
  path: string
  query: string
  headers: Record<string, string | undefined>
}

async function send(g: Generated): Promise<void> {
  requests++
  const h = new Headers()
  for (const [k, v] of Object.entries(g.headers)) if (v !== undefined) h.set(k, v)
  // Every generator starts paths with `/`; fast-check's shrinker can drop it, and a request line always has it.
  const target = g.path.startsWith('/') ? g.path : `/${g.path}`
  const request = new Request(`${ORIGIN}${target}${g.query}`, { method: g.method, headers: h, redirect: 'manual', body: /^(GET|HEAD)$/i.test(g.method) ? undefined : MARKER })
  const ctx = createExecutionContext()
  const res = await app.fetch(request, env, ctx)
  await waitOnExecutionContext(ctx)
  const label = `${g.method} ${request.url.slice(0, 200)} → ${res.status}`
  expect(res.status, label).toBeLessThan(500)
  expect([200, 204, 301, 304, 404, 405], label).toContain(res.status)
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff')
  expect(res.headers.get('content-security-policy'), label).toContain("frame-ancestors 'none'")
  const pathname = new URL(request.url).pathname
  const m = request.method
  if (m !== 'GET' && m !== 'HEAD') {
    expect(res.status, label).toBe(m === 'OPTIONS' && isDataPath(pathname) ? 204 : 405)
    expect(res.headers.get('allow'), label).toMatch(/^GET, HEAD/)
  }
  if (res.status === 301) {
    const location = res.headers.get('location')!
    expect(location, label).toMatch(/^\/(?![/\\])/)
    // Exactly one hop: the target is itself a page.
    expect(manifest.routes[decodePath(new URL(location, ORIGIN).pathname)], `${label} → ${location}`).toBeDefined()
  }
  const body = await res.text()
  // Nothing a visitor sends is echoed: not the token, and certainly not as markup.
  expect(body.includes(`<${MARKER}`), label).toBe(false)
  expect(body.includes(MARKER), label).toBe(false)
}

const params = { numRuns: RUNS, endOnFailure: true }

describe('hostile requests (fast-check)', () => {
  it('paths: bad escapes, dot segments, double slashes, case and slash variants, CJK, overlong', async () => {
    await fc.assert(fc.asyncProperty(path, query, (p, q) => send({ method: 'GET', path: p, query: q, headers: {} })), params)
  })

  it('conditional and Range headers: huge and garbage values', async () => {
    await fc.assert(fc.asyncProperty(mutatedRoute(), headers, (p, h) => send({ method: 'GET', path: p, query: '', headers: h })), params)
  })

  it('methods: anything but GET and HEAD is 405 with Allow (OPTIONS on feeds is a preflight)', async () => {
    await fc.assert(fc.asyncProperty(method, path, (m, p) => send({ method: m, path: p, query: '', headers: {} })), params)
  })

  it('CJK bytes in conditional, Range and id headers', async () => {
    for (const value of ['大模型', '"東京"', 'W/"🎉"', '\u2028']) {
      const h = asBytes(value)
      await send({ method: 'GET', path: '/2025/01/deepseek-ai/', query: '', headers: { 'if-none-match': h, 'if-modified-since': h, range: h, 'cf-ray': h } })
    }
  })

  it('everything at once', async () => {
    await fc.assert(fc.asyncProperty(method, path, query, headers, (m, p, q, h) => send({ method: m, path: p, query: q, headers: h })), params)
  })
})

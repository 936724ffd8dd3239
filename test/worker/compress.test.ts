// Compression in the worker (src/compress): what it asks of the runtime, for
// every text response. The bytes themselves are encoded by the Workers runtime
// as the response leaves over HTTP; test/node/readers.test.ts reads them off
// the wire from `wrangler dev`.
import { describe, expect, it } from 'vitest'
import { encodedTag, identityTag, negotiate } from '../../src/compress/index.ts'
import { get } from './helpers.ts'

const PATHS = ['/feed.xml', '/feed.json', '/rss.xml', '/tags/cloudflare/feed.xml', '/2025/03/edge-rendering-with-workers/', '/api/posts', '/sitemap.xml', '/llms.txt', '/no/such/page/']

describe('Accept-Encoding (RFC 9110 §12.5.3)', () => {
  it('picks brotli before gzip, honours q=0, and falls back to identity', () => {
    expect(negotiate('gzip, deflate, br')).toBe('br')
    expect(negotiate('gzip')).toBe('gzip')
    expect(negotiate('br;q=0, gzip;q=0.5')).toBe('gzip')
    expect(negotiate('gzip;q=0.2, br;q=0.1')).toBe('gzip')
    expect(negotiate('*')).toBe('br')
    expect(negotiate('*;q=0')).toBeUndefined()
    expect(negotiate('identity')).toBeUndefined()
    expect(negotiate('deflate')).toBeUndefined()
    expect(negotiate('')).toBeUndefined()
    expect(negotiate(undefined)).toBeUndefined()
  })

  it('names each encoded form with its own strong ETag, and finds the identity tag behind it', () => {
    expect(encodedTag('"abc"', 'gzip')).toBe('"abc-gzip"')
    expect(encodedTag('"abc-api"', 'br')).toBe('"abc-api-br"')
    expect(identityTag('"abc-api-br"')).toBe('"abc-api"')
    expect(identityTag('"abc-gzip"')).toBe('"abc"')
    expect(identityTag('"abc"')).toBe('"abc"')
  })
})

describe('text responses', () => {
  it.each(PATHS)('%s: encoded for a client that accepts it, Vary either way', async (path) => {
    const identity = await get(path)
    expect(identity.headers.get('content-encoding')).toBeNull()
    expect(identity.headers.get('vary')).toMatch(/accept-encoding/i)
    for (const [accept, coding] of [['gzip', 'gzip'], ['gzip, deflate, br', 'br']] as const) {
      const res = await get(path, { headers: { 'Accept-Encoding': accept } })
      expect(res.headers.get('content-encoding'), accept).toBe(coding)
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i)
      expect(res.headers.get('content-length')).toBeNull()
      const etag = identity.headers.get('etag')
      if (etag) expect(res.headers.get('etag')).toBe(encodedTag(etag, coding))
      await res.arrayBuffer()
    }
    await identity.arrayBuffer()
  })

  it('revalidates any form with any form’s tag: one content, so a 304, carrying the tag of the form asked for', async () => {
    const etag = (await get('/feed.json')).headers.get('etag')!
    for (const sent of [etag, encodedTag(etag, 'gzip'), encodedTag(etag, 'br')]) {
      const res = await get('/feed.json', { headers: { 'If-None-Match': sent, 'Accept-Encoding': 'gzip' } })
      expect(res.status).toBe(304)
      expect(res.headers.get('etag')).toBe(encodedTag(etag, 'gzip'))
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i)
      expect(res.headers.get('content-encoding')).toBeNull()
    }
    const plain = await get('/feed.json', { headers: { 'If-None-Match': encodedTag(etag, 'br') } })
    expect(plain.status).toBe(304)
    expect(plain.headers.get('etag')).toBe(etag)
  })

  it('leaves HEAD bodiless but says how the GET would be encoded', async () => {
    const res = await get('/feed.xml', { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('br')
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })
})

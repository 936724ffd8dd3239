/**
 * Compression for every text response, whatever its media type.
 *
 * Cloudflare compresses on its own only the types on its list, and
 * `application/atom+xml` and `application/feed+json`, the largest responses
 * Kumo sends, are not on it; `wrangler dev` compresses nothing. So the worker
 * asks for it: a response that names a coding in `Content-Encoding` and whose
 * body is not encoded yet is encoded by the Workers runtime as it goes out
 * (the Response's default `encodeBody: "automatic"`), natively, in gzip or
 * brotli, with no JavaScript pass over the bytes. Bodies are put together per
 * request from shared records (a feed page from its chunks and entries), so
 * there is no whole body to compress at build time; Workers Cache in front
 * keeps the encoded copy, so this runs once per cache fill, not per reader.
 *
 * HTTP semantics (RFC 9110):
 *   - §12.5.3: the client's Accept-Encoding picks the coding, brotli before
 *     gzip; `q=0` refuses one; nothing acceptable means identity. Cloudflare
 *     (and `wrangler dev`) hands the worker `Accept-Encoding: br, gzip`
 *     whatever the client sent, and keeps the client's own header in
 *     `request.cf.clientAcceptEncoding`: that is the one read here.
 *   - §12.5.5: every response whose form depends on Accept-Encoding says
 *     `Vary: Accept-Encoding`, the identity form and 304s included, so no
 *     cache hands a gzip body to a client that cannot read it.
 *   - §8.8.3: a strong ETag names one representation, and the gzip form is
 *     another representation than the brotli or identity form: each gets its
 *     own tag (`"…-gzip"`, `"…-br"`). If-None-Match with any form's tag still
 *     revalidates (src/cache, identityTag): they are one content.
 */

import type { MiddlewareHandler } from 'hono'

export type Coding = 'br' | 'gzip'

const CODINGS: Coding[] = ['br', 'gzip']

/** Text worth compressing: text/*, JSON, XML and their +json/+xml kinds (feeds, sitemaps), SVG, JavaScript. */
const COMPRESSIBLE = /^(text\/|application\/(json|xml|javascript|[\w.-]+\+(json|xml))\b|image\/svg\+xml)/i

/** The coding to send for an Accept-Encoding header (RFC 9110 §12.5.3), or undefined for identity. */
export function negotiate(acceptEncoding: string | null | undefined): Coding | undefined {
  if (!acceptEncoding) return undefined
  const q = new Map<string, number>()
  for (const part of acceptEncoding.slice(0, 1024).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    const weight = params.map((p) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
    q.set(name, weight === undefined ? 1 : Number(weight))
  }
  const weightOf = (c: Coding) => q.get(c) ?? q.get('*') ?? 0
  let best: Coding | undefined
  for (const c of CODINGS) if (weightOf(c) > 0 && (best === undefined || weightOf(c) > weightOf(best))) best = c
  return best
}

/** The strong validator of one encoded form of a representation (RFC 9110 §8.8.3.3's example does the same). */
export const encodedTag = (etag: string, coding: Coding): string => etag.replace(/"$/, `-${coding}"`)

/** The identity form's tag behind an encoded form's, for comparing If-None-Match. */
export const identityTag = (tag: string): string => tag.replace(/-(br|gzip)"$/, '"')

/** What the client itself accepts: Cloudflare's copy of its header when it rewrote it ('' for none), else the header. */
function clientAcceptEncoding(request: Request): string | null {
  const cf = (request as { cf?: { clientAcceptEncoding?: unknown } }).cf
  return typeof cf?.clientAcceptEncoding === 'string' ? cf.clientAcceptEncoding : request.headers.get('Accept-Encoding')
}

function addVary(headers: Headers): void {
  const vary = headers.get('Vary')
  if (!vary) headers.set('Vary', 'Accept-Encoding')
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) headers.set('Vary', `${vary}, Accept-Encoding`)
}

/** Middleware: encodes text responses for clients that accept it, with Vary and per-form ETags. */
export function compress(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const res = c.res
    const notModified = res.status === 304
    const type = res.headers.get('Content-Type')
    if (!notModified && (!res.body || !type || !COMPRESSIBLE.test(type))) return
    if (res.headers.has('Content-Encoding')) return
    const headers = new Headers(res.headers)
    addVary(headers)
    const coding = negotiate(clientAcceptEncoding(c.req.raw))
    const etag = headers.get('ETag')
    if (coding && etag) headers.set('ETag', encodedTag(etag, coding))
    if (coding && !notModified) {
      headers.set('Content-Encoding', coding)
      headers.delete('Content-Length')
    }
    // Cleared first: Hono would otherwise copy the old response's headers (ETag, Vary) over the new ones.
    c.res = undefined
    // The runtime encodes the body on its way out, as Content-Encoding says (encodeBody: "automatic").
    c.res = new Response(res.body, { status: res.status, statusText: res.statusText, headers })
  }
}

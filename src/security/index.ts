/**
 * Security middleware: runs outermost, so every response the worker makes —
 * pages, feeds, 301, 304, and the 404/405/503 that `onError` renders — leaves
 * with the headers of src/shared/headers.ts. Also answers OPTIONS: a CORS
 * preflight on feeds and the API (204), a 405 with `Allow` anywhere else. CORS
 * is set here and nowhere else: every response on a data path (feeds, the API,
 * its errors) gets it on the way out.
 */

import type { MiddlewareHandler } from 'hono'
import { COMMON_HEADERS, CORS_HEADERS, DATA_CSP, GET_HEAD, GET_HEAD_OPTIONS, PREFLIGHT_HEADERS, isDataPath, pageCsp } from '../shared/headers.ts'

export { pageCsp } from '../shared/headers.ts'

/** The methods a path supports, for `Allow` on 405 (RFC 9110 §15.5.6) and 204. */
export const allowFor = (pathname: string): string => (isDataPath(pathname) ? GET_HEAD_OPTIONS : GET_HEAD)

/** Adds the security headers to a response, copying it first if its headers are immutable (a cache hit). */
export function secured(response: Response, pathname: string): Response {
  let res = response
  try {
    res.headers.set('X-Content-Type-Options', COMMON_HEADERS['X-Content-Type-Options']!)
  } catch {
    res = new Response(response.body, response)
  }
  const h = res.headers
  for (const [k, v] of Object.entries(COMMON_HEADERS)) h.set(k, v)
  // A body's type decides; a response with none (304, 301) is what its path serves, so that a
  // 304 never hands the browser a policy different from the stored 200's (RFC 9111 §4.3.4).
  const type = h.get('Content-Type')
  const html = type ? /^text\/html\b/i.test(type) : !isDataPath(pathname)
  // A page's route may have set its own CSP (with its script hashes); keep that one.
  if (!html || !h.has('Content-Security-Policy')) h.set('Content-Security-Policy', html ? pageCsp() : DATA_CSP)
  if (html) h.set('Cross-Origin-Opener-Policy', 'same-origin')
  if (isDataPath(pathname)) {
    for (const [k, v] of Object.entries(CORS_HEADERS)) h.set(k, v)
  } else {
    h.set('Cross-Origin-Resource-Policy', 'same-origin')
  }
  if (res.status === 405) h.set('Allow', allowFor(pathname))
  return res
}

/**
 * The middleware. Register it before every other one (see src/index.ts): the
 * method guard runs after it, so a 405 rendered by `onError` passes back
 * through here and is secured too.
 */
export function security(): MiddlewareHandler {
  return async (c, next) => {
    const pathname = new URL(c.req.url).pathname
    if (c.req.method === 'OPTIONS' && isDataPath(pathname)) {
      return secured(new Response(null, { status: 204, headers: { ...PREFLIGHT_HEADERS, 'Cache-Control': 'public, max-age=86400' } }), pathname)
    }
    await next()
    const out = secured(c.res, pathname)
    if (out !== c.res) c.res = out
  }
}

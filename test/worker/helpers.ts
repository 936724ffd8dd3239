// Requests to the worker under test, inside workerd, with the fixture build in KV.
import { exports } from 'cloudflare:workers'

export const ORIGIN = 'https://blog.example.com'

export function get(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }))
}

/** Percent-encodes each segment, as a browser does with a typed CJK URL. */
export const encoded = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

// Requests to the worker under test, inside workerd, with the fixture build in KV.
import { exports } from 'cloudflare:workers'

export const ORIGIN = 'https://blog.example.com'

export function get(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }))
}

/** Percent-encodes each segment, as a browser does with a typed CJK URL. */
export const encoded = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

/**
 * A pack's text with the member `ref` names replaced by `json`, padded with
 * spaces (JSON allows them after a value) so every other member keeps its
 * place (src/shared/packs.ts). `json` must not be longer than the member.
 */
export function replaceMember(pack: string, ref: string, json: string): string {
  const m = /@(\d+)\+(\d+)$/.exec(ref)
  if (!m) return json
  const [offset, length] = [Number(m[1]), Number(m[2])]
  if (json.length > length) throw new Error(`the replacement is ${json.length} units, the member ${length}`)
  return pack.slice(0, offset) + json.padEnd(length, ' ') + pack.slice(offset + length)
}

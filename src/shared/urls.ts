/**
 * Which URLs from content may land in an attribute Kumo generates (`src`,
 * `href`, `og:image`, JSON-LD). Front matter is author input, and an `image:`
 * of `javascript:…` or `data:text/html,…` must never become a live URL. The
 * build rejects such values; the views check again, since a record in KV may
 * come from an older build.
 */

/** Characters a browser strips from or ignores in a URL before reading its scheme (WHATWG URL §4.4). */
const IGNORED = /[\u0000-\u0020\u007f]/g

/** True for http(s) URLs and scheme-less references (`/assets/a.png`, `a.png`, `//cdn.example/a.png`). */
export function isSafeUrl(url: string): boolean {
  const scheme = /^([^:/?#]*):/.exec(url.replace(IGNORED, ''))
  return scheme === null || /^https?$/i.test(scheme[1]!)
}

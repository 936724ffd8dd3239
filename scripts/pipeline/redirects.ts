/**
 * Stage "redirects": each published post's and each page's `redirect_from` paths, then
 * site.yml's `redirects:` (the old site's listing URLs the importer wrote), as
 * the manifest's redirect table (301s, RFC 9110 §15.4.2). A path that is
 * itself a page keeps the page, and a post's own redirect beats the site's.
 */

import type { Page, Post } from './posts.ts'
import type { Materialised } from './manifest.ts'

const EXTENSIONLESS = /\/[^/.]+$/

export function redirects(posts: Post[], pages: Page[], nowMs: number, base: Materialised, site: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  // A scheduled post's old paths wait with it: until then they are not yet its.
  const owners = [...posts.filter((p) => p.ms <= nowMs), ...pages]
  const add = (from: string, to: string) => {
    if (!(from in base.routes) && !(from in out)) out[from] = to
  }
  for (const owner of owners) {
    // A path with neither a trailing slash nor an extension is written by Jekyll (and by
    // jekyll-redirect-from) as `<path>.html`, and GitHub Pages answers both spellings.
    for (const from of owner.redirectFrom) {
      if (!(from in base.routes)) out[from] = owner.path
      if (EXTENSIONLESS.test(from)) add(`${from}.html`, owner.path)
    }
    if (EXTENSIONLESS.test(owner.path)) add(`${owner.path}.html`, owner.path)
  }
  for (const [from, to] of Object.entries(site)) if (!(from in base.routes) && !(from in out)) out[from] = to
  return out
}

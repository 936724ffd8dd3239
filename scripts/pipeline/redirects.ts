/**
 * Stage "redirects": each published post's `redirect_from` paths, as the
 * manifest's redirect table (301s, RFC 9110 §15.4.2). A path that is itself a
 * page keeps the page.
 */

import type { Post } from './posts.ts'
import type { Materialised } from './manifest.ts'

export function redirects(posts: Post[], nowMs: number, base: Materialised): Record<string, string> {
  const out: Record<string, string> = {}
  for (const post of posts) {
    if (post.ms > nowMs) continue
    for (const from of post.redirectFrom) if (!(from in base.routes)) out[from] = post.path
  }
  return out
}

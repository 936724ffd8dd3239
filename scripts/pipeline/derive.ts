/**
 * Stage "derive": work derived from each post that every schedule epoch
 * reuses, taken from the render cache when the post is unchanged: the feed
 * copy of its HTML (parsing every post's HTML to make links absolute is the
 * costliest step of a warm build; the cache keeps the edits that make it)
 * and its search analysis. Without a render cache the later stages derive
 * both as they need them. A post rendered in this build comes with both
 * already made, on the thread that rendered it (render-pool.ts), unless the
 * link stage changed its HTML since (then it is a new object, not in `made`).
 */

import { absoluteUrl } from '../../src/shared/paths.ts'
import { absoluteUrlEdits, applyEdits, type Edit } from './absolute-urls.ts'
import type { RenderCache } from './cache.ts'
import type { Derived } from './render-pool.ts'
import type { Page, Post } from './posts.ts'
import { primeAnalysis, storedAnalysis, summaryOf, termsOf, type StoredAnalysis, type StoredTerms } from './search-index.ts'
import type { BuildSession } from './session.ts'

export interface DeriveInput {
  siteUrl: string
  cache: RenderCache
  /** The renderer's version (cache.ts), part of every key. */
  renderer: string
  session: BuildSession
  /** Values the render stage made for the posts it rendered. */
  made?: WeakMap<Post, Derived>
  /** Each post by the render-cache key it was read or rendered under (read.ts keysByPost): what its HTML is made from. */
  keys?: ReadonlyMap<Post | Page, string>
}

/** The edits that make a post's links absolute for feeds (absolute-urls.ts), made from the post as rendered. */
export function feedEditsOf(post: Post, siteUrl: string): Edit[] {
  return absoluteUrlEdits(post.html, absoluteUrl(siteUrl, post.path))
}

/**
 * What a post's derived values are made from. A post as read or rendered is a
 * function of its render-cache key (its source, settings and renderer), so the
 * key stands for its HTML, title and terms without hashing the HTML again
 * (twice per post per build: ~25 MB at 1,000 posts). A post the link stage
 * made anew (`post_url`) has no key: its HTML itself is hashed.
 */
function madeFrom(post: Post, keys: ReadonlyMap<Post | Page, string>): string[] {
  const key = keys.get(post)
  return key ? ['read', key] : ['html', post.path, post.title, JSON.stringify(post.tags), JSON.stringify(post.categories), post.html]
}

export async function derive(posts: Post[], { siteUrl, cache, renderer, session, made, keys = new Map() }: DeriveInput): Promise<void> {
  for (const post of posts) {
    const known = session.derived.get(post)
    if (known && post.feedHtml !== undefined) {
      cache.touch(known)
      continue
    }
    const pre = made?.get(post)
    const from = madeFrom(post, keys)
    const feedKey = cache.key(renderer, 'feed-html', siteUrl, ...from)
    // The cache keeps the edits, not a second copy of the HTML: it is read whole on every warm build.
    post.feedHtml = applyEdits(post.html, await cache.memo(feedKey, () => pre?.feedEdits ?? feedEditsOf(post, siteUrl)))
    const searchKey = cache.key(renderer, 'search', ...from)
    const termsKey = cache.sideKey(cache.key(renderer, 'search-terms', ...from))
    let computed: StoredAnalysis | undefined
    const whole = () => (computed ??= pre?.search ?? storedAnalysis(post, session.analysis))
    const summary = await cache.memo(searchKey, () => summaryOf(whole()))
    // The terms' JSON, read and parsed only if the search stage reads them (search-index.ts StoredSummary).
    const terms = cache.lazyText(termsKey, () => termsOf(whole()), computed && termsOf(computed))
    primeAnalysis(post, computed ?? { summary, terms: () => JSON.parse(terms()) as StoredTerms }, session.analysis)
    session.derived.set(post, [feedKey, searchKey, termsKey])
  }
}

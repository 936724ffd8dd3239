/**
 * The keys a post shows as written (the contract's `PostShown`,
 * src/shared/schema.ts) and the copy of them a record takes. Kept apart from
 * front-matter.ts, which validates them, so that assembling records (every
 * build, a warm one too) does not load the front-matter parser (gray-matter,
 * js-yaml, zod) with it.
 */

import type { PostShown } from '../../src/shared/schema.ts'

/** Every key of PostShown; front-matter.ts's `shown` schema is held to the same ones. */
export const SHOWN_KEYS = ['subtitle'] as const satisfies ReadonlyArray<keyof PostShown>

// A key added to PostShown but not to SHOWN_KEYS fails to compile here.
type NoneMissing<T extends never> = T
export type ShownKeysComplete = NoneMissing<Exclude<keyof PostShown, (typeof SHOWN_KEYS)[number]>>

/** The `shown` keys of a parsed front matter or a Post, the ones it has: what a record copies. */
export function shownOf(from: PostShown): PostShown {
  return Object.fromEntries(SHOWN_KEYS.flatMap((k) => (from[k] === undefined ? [] : [[k, from[k]]])))
}

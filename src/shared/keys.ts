/**
 * KV key layout: the one place both the build and the worker learn key names.
 *
 * Every key starts with the schema version, so a build written by a newer Kumo
 * never collides with the records an older worker still reads during a deploy.
 *
 *   v1:blob:<hash>      a record (JSON), content-addressed: the key is the hash of
 *                       the value, so an unchanged record keeps its key forever and
 *                       is never written twice.
 *   v1:build:<buildId>  a build manifest: every route and logical record of one
 *                       build, mapped to blob hashes, with the ETags of its pages.
 *                       Deploys put it with KV metadata `{ at }` (when it went
 *                       live): the deploy state is derived from these keys.
 *   v1:current          the build id that a worker with no BUILD_ID var serves
 *                       (local preview; a deploy pins BUILD_ID instead).
 */

export const SCHEMA_VERSION = 1
const PREFIX = `v${SCHEMA_VERSION}:`

export const blobKey = (hash: string): string => `${PREFIX}blob:${hash}`
export const buildKey = (buildId: string): string => `${PREFIX}build:${buildId}`
export const CURRENT_KEY = `${PREFIX}current`

/** Logical names of records that are not pages of their own. */
export const metaRecord = (postPath: string): string => `meta:${postPath}`
export const linksRecord = (postPath: string): string => `links:${postPath}`
export const SITE_RECORD = 'site'
/** A post as a feed entry: absolute URLs in its HTML (see EntryRecord). */
export const entryRecord = (postPath: string): string => `entry:${postPath}`
/** A post as Markdown, for machine readers (see MarkdownRecord). */
export const markdownRecord = (postPath: string): string => `markdown:${postPath}`

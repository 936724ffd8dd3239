/**
 * Turns a route's record into a response body, by record kind. Listings and
 * feeds fetch their items here, in one bulk KV read.
 */

import { readRecords, recordAt, routeAt } from '../data/index.ts'
import { HttpError } from '../errors.ts'
import { MARKDOWN_TYPE, TEXT_TYPE, llmsFullTxt, renderDiscovery, renderFeed } from '../feeds/index.ts'
import { entryRecord, markdownRecord, metaRecord } from '../shared/keys.ts'
import { feedUpdated } from '../shared/paging.ts'
import type { EntryRecord, MarkdownRecord, PostMetaRecord, ServedRecord, SiteRecord } from '../shared/schema.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import { ListingPage } from '../views/listing.tsx'
import { renderDocument } from '../views/layout.tsx'
import { ArchivesPage, StandalonePage, TermsPage } from '../views/pages.tsx'
import { PostPage } from '../views/post.tsx'

export interface RenderContext {
  kv: KVNamespace
  manifest: ManifestIndex
  site: SiteRecord
  now: number
  path: string
}

export interface Rendered {
  body: string
  type: string
}

const HTML = 'text/html; charset=utf-8'

const RECORD_NAMES = { meta: metaRecord, entry: entryRecord, markdown: markdownRecord }

/** Blob hashes of the records named for each post path (`meta:`, `entry:`, `markdown:`), or of the post routes themselves. */
export function hashesOf(ctx: Pick<RenderContext, 'manifest' | 'now'>, names: string[], lookup: keyof typeof RECORD_NAMES | 'route'): string[] {
  return names.map((name) => {
    const hash = lookup === 'route' ? routeAt(ctx.manifest, name, ctx.now)?.[0] : recordAt(ctx.manifest, RECORD_NAMES[lookup](name), ctx.now)
    if (!hash) throw new HttpError('unavailable', `manifest ${ctx.manifest.buildId} lacks ${name}`)
    return hash
  })
}

export async function renderRecord(ctx: RenderContext, record: ServedRecord): Promise<Rendered> {
  const { site } = ctx
  switch (record.kind) {
    case 'post':
      return { type: HTML, body: await renderDocument(PostPage({ site, post: record })) }
    case 'listing': {
      const items = await readRecords<PostMetaRecord>(ctx.kv, hashesOf(ctx, record.items, 'meta'))
      return { type: HTML, body: await renderDocument(ListingPage({ site, listing: record, items })) }
    }
    case 'feed': {
      const items = await readRecords<EntryRecord>(ctx.kv, hashesOf(ctx, record.items, 'entry'))
      return renderFeed(site, { ...record, updated: feedUpdated(items) }, items)
    }
    case 'llms': {
      const posts = await readRecords<PostMetaRecord>(ctx.kv, hashesOf(ctx, record.posts, 'meta'))
      return renderDiscovery(site, record, posts)
    }
    case 'markdown':
      return { type: MARKDOWN_TYPE, body: record.text }
    case 'llms-full': {
      const docs = await readRecords<MarkdownRecord>(ctx.kv, hashesOf(ctx, record.items, 'markdown'))
      return { type: TEXT_TYPE, body: llmsFullTxt(site, record, docs) }
    }
    case 'sitemap':
    case 'robots':
      return renderDiscovery(site, record)
    case 'terms':
      return { type: HTML, body: await renderDocument(TermsPage({ site, record, path: ctx.path })) }
    case 'archives':
      return { type: HTML, body: await renderDocument(ArchivesPage({ site, record })) }
    case 'page':
      return { type: HTML, body: await renderDocument(StandalonePage({ site, page: record })) }
  }
}

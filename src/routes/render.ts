/**
 * Turns a route's record into a response body, by record kind. Listings and
 * feeds fetch their items here, in one bulk KV read.
 */

import { readRecords, recordAt, routeAt } from '../data/index.ts'
import { HttpError } from '../errors.ts'
import { jsonFeed } from '../feeds/json-feed.ts'
import { metaRecord } from '../shared/keys.ts'
import type { Manifest, PostBodyRecord, PostMetaRecord, ServedRecord, SiteRecord } from '../shared/schema.ts'
import { ListingPage } from '../views/listing.tsx'
import { renderDocument } from '../views/layout.tsx'
import { ArchivesPage, StandalonePage, TermsPage } from '../views/pages.tsx'
import { PostPage } from '../views/post.tsx'

export interface RenderContext {
  kv: KVNamespace
  manifest: Manifest
  site: SiteRecord
  now: number
  path: string
}

export interface Rendered {
  body: string
  type: string
}

const HTML = 'text/html; charset=utf-8'

function hashesOf(ctx: RenderContext, names: string[], lookup: 'meta' | 'route'): string[] {
  return names.map((name) => {
    const hash = lookup === 'meta' ? recordAt(ctx.manifest, metaRecord(name), ctx.now) : routeAt(ctx.manifest, name, ctx.now)?.[0]
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
      const items = await readRecords<PostBodyRecord>(ctx.kv, hashesOf(ctx, record.items, 'route'))
      if (record.format === 'json') return { type: 'application/feed+json; charset=utf-8', body: jsonFeed(site, record, items) }
      throw new HttpError('not-found', `no renderer for ${record.format} feeds`)
    }
    case 'terms':
      return { type: HTML, body: await renderDocument(TermsPage({ site, record, path: ctx.path })) }
    case 'archives':
      return { type: HTML, body: await renderDocument(ArchivesPage({ site, record })) }
    case 'page':
      return { type: HTML, body: await renderDocument(StandalonePage({ site, page: record })) }
  }
}

/**
 * A route's record as a response body, by record kind: pure, from the record
 * and the records it lists (src/data/listed.ts).
 */

import type { Listed } from '../data/listed.ts'
import { MARKDOWN_TYPE, TEXT_TYPE, llmsFullTxt, renderDiscovery, renderFeed } from '../feeds/index.ts'
import { feedUpdated } from '../shared/paging.ts'
import type { RouteView, SiteRecord } from '../shared/schema.ts'
import { ListingPage } from './listing.tsx'
import { renderDocument } from './layout.tsx'
import { ArchivesPage, StandalonePage, TermsPage } from './pages.tsx'
import { PostPage } from './post.tsx'

export interface Rendered {
  body: string
  type: string
}

const HTML = 'text/html; charset=utf-8'

export async function renderRecord(site: SiteRecord, path: string, record: RouteView, listed: Listed): Promise<Rendered> {
  switch (record.kind) {
    case 'post':
      return { type: HTML, body: await renderDocument(PostPage({ site, post: record })) }
    case 'listing':
      return { type: HTML, body: await renderDocument(ListingPage({ site, listing: record, items: listed.meta })) }
    case 'feed':
      return renderFeed(site, { ...record, updated: feedUpdated(listed.entry) }, listed.entry)
    case 'llms':
      return renderDiscovery(site, record, listed.meta)
    case 'markdown':
      return { type: MARKDOWN_TYPE, body: record.text }
    case 'llms-full':
      return { type: TEXT_TYPE, body: llmsFullTxt(site, record, listed.markdown) }
    case 'sitemap':
    case 'robots':
      return renderDiscovery(site, record)
    case 'terms':
      return { type: HTML, body: await renderDocument(TermsPage({ site, record, path })) }
    case 'archives':
      return { type: HTML, body: await renderDocument(ArchivesPage({ site, record })) }
    case 'page':
      return { type: HTML, body: await renderDocument(StandalonePage({ site, page: record })) }
  }
}

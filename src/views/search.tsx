/**
 * The search results page (`/search?q=…`): a plain GET form and a ranked list
 * with matched text in <mark>. Works with no JavaScript. Also renders snippet
 * segments to HTML for the JSON API, so both escape the same way (hono/jsx
 * escapes every text child).
 */

import type { Child } from 'hono/jsx'
import type { Hit, QueryProblem, SearchResult, Segment } from '../search/index.ts'
import { href } from '../shared/paths.ts'
import type { SiteRecord } from '../shared/schema.ts'
import { strings } from '../shared/i18n.ts'
import { SEARCH } from '../shared/paths.ts'
import { Layout } from './layout.tsx'

// The search page's own strings; shared ones (the word "search") come from i18n.ts.
const zh = {
  label: '搜索文章',
  heading: (q: string) => `搜索：${q}`,
  results: (n: number) => `找到 ${n} 篇文章`,
  none: (q: string) => `没有找到与“${q}”相关的文章。`,
  partial: '查询太长，只搜索了其中一部分词语。',
  page: (n: number, of: number) => `第 ${n} / ${of} 页`,
  newer: '上一页',
  older: '下一页',
  problems: {
    empty: '请输入要搜索的词语。',
    'too-long': '查询太长了：最多 200 个字符。',
    'no-terms': '查询里没有可搜索的词语，只有运算符或标点。',
  } satisfies Record<QueryProblem, string>,
}

const en: typeof zh = {
  label: 'Search posts',
  heading: (q) => `Search: ${q}`,
  results: (n) => `${n} post${n === 1 ? '' : 's'} found`,
  none: (q) => `No posts match “${q}”.`,
  partial: 'The query is long: only some of its words were searched.',
  page: (n, of) => `Page ${n} of ${of}`,
  newer: 'Previous',
  older: 'Next',
  problems: {
    empty: 'Type a word to search for.',
    'too-long': 'That query is too long: use at most 200 characters.',
    'no-terms': 'That query has no words to search for, only operators or punctuation.',
  },
}

export const searchStrings = (lang: string): typeof zh => (lang.toLowerCase().startsWith('zh') ? zh : en)

export function Marked(props: { segments: Segment[] }): Child {
  return <>{props.segments.map(([text, hit]) => (hit ? <mark>{text}</mark> : text))}</>
}

/** Segments as an HTML string: text escaped, matches in <mark>. */
export function segmentsHtml(segments: Segment[]): string {
  return String(Marked({ segments }))
}

export const searchHref = (query: string, page = 1): string =>
  `${SEARCH}?q=${encodeURIComponent(query)}${page > 1 ? `&page=${page}` : ''}`

function SearchHit(props: { hit: Hit }) {
  const { hit } = props
  return (
    <li class="summary">
      <h2>
        <a href={href(hit.path)}>
          <Marked segments={hit.title} />
        </a>
      </h2>
      <p class="meta">
        <time datetime={hit.day}>{hit.day}</time>
      </p>
      <p class="excerpt">
        <Marked segments={hit.snippet} />
      </p>
    </li>
  )
}

export interface SearchPageProps {
  site: SiteRecord
  query: string
  problem?: QueryProblem
  result?: SearchResult
}

export function SearchPage(props: SearchPageProps) {
  const { site, query, problem, result } = props
  const t = { ...searchStrings(site.lang), search: strings(site.lang).search }
  const page = result?.page ?? 1
  // Indexable, with one canonical URL for every query (/search): crawlers keep the one search
  // page, not one per query, and nothing tells them the site's own search is off limits.
  return (
    <Layout site={site} head={{ title: query && !problem ? t.heading(query) : t.search, path: SEARCH }}>
      <h1>{query && !problem ? t.heading(query) : t.search}</h1>
      {/* No second role=search: the header's form is the page's one search landmark (axe landmark-unique). */}
      <form class="search-form" action={SEARCH} method="get">
        <input type="search" name="q" value={query} aria-label={t.label} maxlength={400} />
        <button type="submit">{t.search}</button>
      </form>
      {problem && <p class="search-message">{t.problems[problem]}</p>}
      {result && result.total === 0 && <p class="search-message">{t.none(query)}</p>}
      {result && result.total > 0 && (
        <>
          <p class="meta">
            {t.results(result.total)}
            {result.pages > 1 && ` · ${t.page(page, result.pages)}`}
          </p>
          {result.partial && <p class="search-message">{t.partial}</p>}
          <ol class="summaries">{result.hits.map((hit) => <SearchHit hit={hit} />)}</ol>
          {result.pages > 1 && (
            <nav class="pagination" aria-label={t.page(page, result.pages)}>
              {page > 1 ? <a href={searchHref(query, page - 1)} rel="prev">{t.newer}</a> : <span />}
              {page < result.pages ? <a href={searchHref(query, page + 1)} rel="next">{t.older}</a> : <span />}
            </nav>
          )}
        </>
      )}
    </Layout>
  )
}

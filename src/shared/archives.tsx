/** @jsxImportSource hono/jsx */
/**
 * The archives list: every post by year and month. Rendered once, at build
 * time, into the archives record (see ArchivesRecord); the worker wraps it in
 * the page shell.
 */

import { href } from './paths.ts'
import type { ArchiveYears } from './schema.ts'
import { strings } from './i18n.ts'

export function ArchiveList(props: { years: ArchiveYears; lang: string }) {
  const t = strings(props.lang)
  return (
    <>
      {props.years.map((y) => (
        <section class="archive-year" aria-labelledby={`y${y.year}`}>
          <h2 id={`y${y.year}`}>{y.year}</h2>
          {y.months.map((m) => (
            <section class="archive-month" aria-labelledby={`y${y.year}-${m.month}`}>
              <h3 id={`y${y.year}-${m.month}`}>{t.month(m.month)}</h3>
              <ul class="archive">
                {m.posts.map((p) => (
                  <li>
                    <time datetime={p.day}>{p.day.slice(5)}</time>
                    <a href={href(p.path)}>{p.title}</a>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </section>
      ))}
    </>
  )
}

/** The list as an HTML string, for the build. */
export function archivesHtml(years: ArchiveYears, lang: string): string {
  return String(ArchiveList({ years, lang }))
}

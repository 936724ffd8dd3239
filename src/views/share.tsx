/**
 * Share links that need no script: each service's documented share URL, opened
 * only when the reader clicks, so the page makes no third-party request.
 */

import type { Strings } from '../shared/i18n.ts'

interface Service {
  name: string
  url: (page: string, title: string) => string
  /** Shown only to readers of these languages (Weibo for Chinese). */
  langs?: RegExp
}

const q = encodeURIComponent

const SERVICES: Service[] = [
  { name: 'X', url: (u, t) => `https://x.com/intent/post?text=${q(t)}&url=${q(u)}` },
  { name: 'Facebook', url: (u) => `https://www.facebook.com/sharer/sharer.php?u=${q(u)}` },
  { name: 'Telegram', url: (u, t) => `https://t.me/share/url?url=${q(u)}&text=${q(t)}` },
  { name: 'LinkedIn', url: (u) => `https://www.linkedin.com/sharing/share-offsite/?url=${q(u)}` },
  { name: '微博', url: (u, t) => `https://service.weibo.com/share/share.php?url=${q(u)}&title=${q(t)}`, langs: /^zh/i },
]

export function ShareLinks(props: { url: string; title: string; lang: string; t: Strings }) {
  const { url, title, t } = props
  return (
    <nav class="share" aria-label={t.share}>
      <span class="share-label" aria-hidden="true">
        {t.share}
      </span>
      <ul>
        {SERVICES.filter((s) => !s.langs || s.langs.test(props.lang)).map((s) => (
          <li>
            <a href={s.url(url, title)} target="_blank" rel="noopener noreferrer" aria-label={t.shareOn(s.name)}>
              {s.name}
            </a>
          </li>
        ))}
        <li>
          <a href={`mailto:?subject=${q(title)}&body=${q(url)}`} aria-label={t.shareOn(t.email)}>
            {t.email}
          </a>
        </li>
      </ul>
    </nav>
  )
}

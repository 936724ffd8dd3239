/**
 * The comment thread under a post, when site.yml configures a provider. The
 * provider's own embed script is loaded by the page script when the reader
 * scrolls near (src/shared/page-script.ts), with the attributes given here
 * (src/shared/third-party.ts); the page's CSP adds exactly that provider's
 * origins. Without script the reader is told why no comments show.
 */

import type { Strings } from '../shared/i18n.ts'
import type { CommentsConfig } from '../shared/schema.ts'
import { commentEmbed } from '../shared/third-party.ts'

export function Comments(props: { comments: CommentsConfig; url: string; path: string; lang: string; t: Strings }) {
  const { t } = props
  const embed = commentEmbed(props.comments, { url: props.url, path: props.path, lang: props.lang })
  return (
    <section class={`comments comments-${embed.provider}`} aria-labelledby="comments-title">
      <h2 id="comments-title">{t.comments}</h2>
      <div
        id={embed.provider === 'disqus' ? 'disqus_thread' : undefined}
        class="comments-thread"
        data-embed={embed.src}
        data-attrs={JSON.stringify(embed.attrs)}
        data-disqus-url={embed.disqus?.url}
        data-disqus-identifier={embed.disqus?.identifier}
      ></div>
      <noscript>
        <p class="meta">{t.commentsNeedScript}</p>
      </noscript>
    </section>
  )
}

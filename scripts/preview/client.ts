/**
 * What the preview adds to a page, and the page it shows when the build failed.
 * Only `npm start`'s proxy (./proxy.ts) serves these: the worker has no reload
 * code, so a deployed site never carries any.
 */

import { createHash } from 'node:crypto'

/** Paths the proxy answers itself, never passed to the worker. */
export const RELOAD_SCRIPT = '/_kumo/preview/reload.js'
export const EVENTS = '/_kumo/preview/events'
/** The worker's ETag of a page, as the proxy passes it on (it drops the validator itself, proxy.ts). */
export const ETAG_HEADER = 'x-kumo-etag'

/**
 * The page's build is in the tag that loads this script (`data-build`); the
 * event stream says which build is current (on connect and after every
 * rebuild). A page whose build is not current reloads, unless its own ETag
 * (`data-etag`, the worker's) is still the current one: a saved post is
 * shown first and the whole build follows (scripts/pipeline/quick.ts), and
 * most pages are the same in both, so each page reloads once, when it
 * changed. An error page, a page without an ETag or a changed worker
 * (`+N`, proxy.ts) always reloads, and so does a page the event names as
 * changed (the lines after the build's id), without asking. Served from the page's own origin, so the
 * site's CSP (`script-src 'self'`, `connect-src 'self'`) allows it with no
 * change. EventSource reconnects by itself when the preview restarts.
 */
export const RELOAD_JS = `(() => {
  const tag = document.currentScript
  let mine = tag && tag.dataset.build
  const etag = tag && tag.dataset.etag
  const events = new EventSource(${JSON.stringify(EVENTS)})
  const here = (() => { try { return decodeURI(location.pathname) } catch { return location.pathname } })()
  events.addEventListener('build', (e) => {
    const [next, ...changed] = e.data.split('\\n')
    if (next === mine) return
    if (!etag || next.includes('+') || next.startsWith('error-') || changed.includes(here)) return location.reload()
    fetch(location.href, { method: 'HEAD', cache: 'no-store' }).then(
      (r) => (r.ok && r.headers.get(${JSON.stringify(ETAG_HEADER)}) === etag ? (mine = next) : location.reload()),
      () => location.reload(),
    )
  })
})()
`

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The tag the proxy puts before `</body>` of every HTML page. */
export const reloadTag = (build: string, etag?: string) =>
  `<script src="${RELOAD_SCRIPT}" data-build="${escape(build)}"${etag ? ` data-etag="${escape(etag)}"` : ''} defer></script>`

const ERROR_STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem;background:#fff5f5;color:#1d1d1f}
h1{font-size:1.25rem;color:#a4000f}pre{white-space:pre-wrap;background:#fff;border:1px solid #f0c4c4;border-radius:6px;padding:1rem;font:14px/1.5 ui-monospace,monospace}
@media (prefers-color-scheme:dark){body{background:#2a1416;color:#f5f5f7}h1{color:#ff8a8a}pre{background:#1d1d1f;border-color:#6b2a2e}}`

/** The error page's own policy: its one style block by hash (CSP Level 3 hash-source), the reload script, nothing else. */
export const ERROR_CSP = `default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'sha256-${createHash('sha256').update(ERROR_STYLE).digest('base64')}'`

/** Shown instead of any page while the last build failed: its one-line-per-file message, and reloads when fixed. */
export function errorPage(message: string, build: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · Kumo preview</title><style>${ERROR_STYLE}</style></head><body>
<h1>Build failed: the preview shows this until the next save that builds</h1>
<pre id="kumo-build-error">${escape(message)}</pre>
<p>Fix the file named above and save; this page reloads by itself.</p>
${reloadTag(build)}</body></html>`
}

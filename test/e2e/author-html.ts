/**
 * Author HTML under Kumo's CSP, in a real browser with the policy enforced
 * (no bypassCSP): test/fixtures/author-html/ built and served on its own.
 *   - an image with `style="width: 200px"` renders 200 px wide
 *   - a post with a gist `<script src>` gets a CSP whose script-src allows that
 *     one origin and no other; a post without embeds allows none
 */

import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { startServer } from './server.ts'

const CONTENT = fileURLToPath(new URL('../fixtures/author-html/', import.meta.url))

type Check = (name: string, fn: () => Promise<void>) => Promise<void>

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

/** The origins (not 'self', hashes or keywords) a CSP's script-src names. */
function scriptOrigins(csp: string): string[] {
  const directive = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src ')) ?? ''
  return directive.split(/\s+/).slice(1).filter((s) => !s.startsWith("'"))
}

export async function checkAuthorHtml(browser: Browser, check: Check): Promise<void> {
  const server = await startServer({ contentDir: CONTENT })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.origin })
  try {
    const page = await context.newPage()
    await check('an inline-styled image renders at its author-given width under the CSP', async () => {
      const res = await page.goto('/inline-style/', { waitUntil: 'load' })
      const csp = res?.headers()['content-security-policy'] ?? ''
      assert(csp.includes("style-src-attr 'unsafe-inline'"), `CSP: ${csp}`)
      assert(scriptOrigins(csp).length === 0, `a page without embeds allows no script origin: ${csp}`)
      const width = await page.$eval('.content img', (img) => img.getBoundingClientRect().width)
      assert(Math.round(width) === 200, `image is ${width} px wide, expected 200`)
    })
    await check('a page with a gist embed has a CSP allowing that one origin and no other', async () => {
      const requested: string[] = []
      page.on('request', (req) => {
        if (req.resourceType() === 'script') requested.push(req.url())
      })
      const res = await page.goto('/gist/', { waitUntil: 'domcontentloaded' })
      const csp = res?.headers()['content-security-policy'] ?? ''
      const origins = scriptOrigins(csp)
      assert(origins.length === 1 && origins[0] === 'https://gist.github.com', `script-src origins: ${origins.join(' ') || '(none)'} in ${csp}`)
      // The browser was allowed to ask for it (offline here, so it fails after the CSP check, not because of it).
      assert(requested.some((u) => u.startsWith('https://gist.github.com/')), `script requests: ${requested.join(', ') || '(none)'}`)
    })
  } finally {
    await context.close()
    await server.stop()
  }
}

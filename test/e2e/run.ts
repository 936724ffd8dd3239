/**
 * `npm run test:e2e [-- group…]`: the reader's site in a real browser. Starts
 * its own Kumo (test/e2e/server.ts) on content/ plus the suite's own long
 * code-heavy post, drives Debian's Chromium with playwright-core, and checks
 * what a reader would notice. Groups (all when none is named):
 *   site     every page kind in light and dark at 390 and 1280 px: renders, runs
 *            only the layout's one hashed script, no horizontal scroll at 390 px,
 *            axe-core with no violation of any impact; CJK fonts; print; code and
 *            tables scroll in their box; the light/dark switch; copy-code; no JS
 *   comments the same site with utterances configured: the thread loads near the
 *            end of a post, CSP widened by its origin on posts only
 *   preview  `npm start`'s live reload (test/e2e/preview.ts)
 *   author   author HTML (author-html.ts): inline-styled images keep their width, a gist embed's origin alone is allowed
 *   audit    Lighthouse and the Nu HTML checker (test/e2e/audits.ts)
 * Screenshots of home, a post with comments, a tag page, the about page and the
 * 404, light and dark, 390 and 1280 px, go to test/e2e/screenshots/.
 * Prints one summary line, `e2e: N passed, M failed`, and exits non-zero on failure.
 */

import { mkdir, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type Page } from 'playwright-core'
import { PAGE_SCRIPT } from '../../src/shared/page-script.ts'
import { auditChecks } from './audits.ts'
import { checkAuthorHtml } from './author-html.ts'
import { AUDIT_PAGES, CODE, SEED } from './pages.ts'
import { previewChecks } from './preview.ts'
import { startServer, type Server } from './server.ts'
import { serviceWorkerRetires } from './service-worker.ts'

const require = createRequire(import.meta.url)
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Screenshot subjects: name → path (decoded; the browser encodes it). The post is shot with comments configured. */
const SHOT_PAGES: Record<string, string> = { home: '/', tag: '/tags/大模型/', about: '/about/', '404': '/no-such-page/' }
/** Every page kind, for axe and layout checks. */
const ALL_PAGES: Record<string, string> = {
  ...SHOT_PAGES,
  ...AUDIT_PAGES,
  category: '/categories/南箕北斗集/',
  categories: '/categories/',
  swift: '/2025/02/swift-concurrency-notes/',
  cover: '/2025/03/edge-rendering-with-workers/',
}
const UTTERANCES = 'comments:\n  provider: utterances\n  repo: kumo-example/comments\n  issue_term: pathname'
const SCHEMES = ['light', 'dark'] as const
const WIDTHS = [390, 1280] as const
/** Families that carry Simplified Chinese glyphs on the platforms we target. */
const CJK_FONT = /CJK|Source Han|PingFang|Hiragino|YaHei|WenQuanYi|Noto Sans SC|Noto Serif SC|Droid Sans Fallback/i

let passed = 0
const failures: string[] = []

const CHECK_TIMEOUT_MS = 60_000

async function check(name: string, fn: () => Promise<void>, timeoutMs = CHECK_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([fn(), timeout])
    passed++
    console.log(`  ✓ ${name}`)
  } catch (error) {
    failures.push(name)
    console.log(`  ✗ ${name}\n      ${(error as Error).message.replace(/\n/g, '\n      ')}`)
  } finally {
    clearTimeout(timer)
  }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

async function open(browser: Browser, origin: string, scheme: (typeof SCHEMES)[number], width: number) {
  // bypassCSP: axe is injected as a script the site's own policy would rightly refuse.
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, bypassCSP: true, baseURL: origin })
  const page = await context.newPage()
  const scripts: string[] = []
  page.on('request', (req) => {
    if (req.resourceType() === 'script') scripts.push(req.url())
  })
  return { context, page, scripts }
}

async function visit(page: Page, path: string): Promise<number> {
  const res = await page.goto(encodeURI(path), { waitUntil: 'load' })
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  return res?.status() ?? 0
}

/** Fonts Chromium actually used to draw the text inside the first element matching `selector`. */
async function platformFonts(page: Page, selector: string): Promise<Array<{ familyName: string; glyphCount: number }>> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('DOM.enable')
  await cdp.send('CSS.enable')
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 })
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
  assert(nodeId, `${selector} not found`)
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
  await cdp.detach()
  return fonts
}

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE)
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  // Every violation counts, whatever its impact: they do not depend on the machine.
  return violations.map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`)
}

/** Scripts a page runs: the layout's one inline script is expected; anything else is reported. */
const unexpectedScripts = (page: Page) =>
  page.$$eval('script', (els, layout) => els.filter((s) => s.type !== 'application/ld+json' && !(s.textContent === layout && !s.src)).map((s) => s.src || (s.textContent ?? '').slice(0, 60)), PAGE_SCRIPT)

/** Relative luminance of the body's background, 0 (black) to 1 (white). */
async function bodyLight(page: Page): Promise<number> {
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number)
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255
}

async function run(server: Server, browser: Browser): Promise<void> {
  const { origin } = server

  console.log('HTTP')
  await check('seed post HTML is under 30 KB gzipped', async () => {
    const html = await (await fetch(`${origin}${SEED}`)).text()
    const size = gzipSync(html).length
    console.log(`      seed post: ${html.length} bytes, ${size} bytes gzipped`)
    assert(size < 30 * 1024, `${size} bytes gzipped`)
  })
  await check('stylesheet is one hashed file, cached immutable for a year', async () => {
    const html = await (await fetch(`${origin}/`)).text()
    const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1])
    assert(sheets.length === 1 && /^\/_kumo\/style\.[0-9a-f]{8,}\.css$/.test(sheets[0]!), `stylesheets: ${sheets.join(', ')}`)
    const res = await fetch(`${origin}${sheets[0]}`)
    const css = await res.text()
    console.log(`      ${sheets[0]}: ${css.length} bytes, ${gzipSync(css).length} gzipped`)
    assert(res.status === 200, `status ${res.status}`)
    assert(/max-age=31536000/.test(res.headers.get('cache-control') ?? '') && /immutable/.test(res.headers.get('cache-control') ?? ''), `cache-control: ${res.headers.get('cache-control')}`)
  })

  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      console.log(`${scheme}, ${width} px`)
      const { context, page, scripts } = await open(browser, origin, scheme, width)
      for (const [name, path] of Object.entries(ALL_PAGES)) {
        await check(`${name} (${path}) renders, one hashed script${width === 390 ? ', no horizontal scroll' : ''}, axe clean`, async () => {
          scripts.length = 0
          const status = await visit(page, path)
          assert(status === (name === '404' ? 404 : 200), `status ${status}`)
          if (SHOT_PAGES[name] !== undefined) await page.screenshot({ path: `${SHOTS}${name}-${scheme}-${width}.png`, fullPage: true })
          const extra = await unexpectedScripts(page)
          assert(extra.length === 0 && scripts.length === 0, `scripts on the page besides the layout's: ${extra.join(', ')}; fetched: ${scripts.join(', ')}`)
          // The scheme is followed: a dark background in dark mode, a light one in light mode.
          const light = await bodyLight(page)
          assert(scheme === 'dark' ? light < 0.2 : light > 0.9, `${scheme} scheme but body luminance is ${light}`)
          // Every image loads (scrolled into view first: they are lazy) and fits the column.
          const images = await page.$$eval('main img', async (els) => {
            // Hidden images (the listing thumbnail on phones) are never fetched: lazy loading at work.
            const imgs = (els as HTMLImageElement[]).filter((img) => img.getClientRects().length > 0)
            for (const img of imgs) {
              img.scrollIntoView()
              await Promise.race([img.decode().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))])
            }
            return imgs.map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0, fits: img.getBoundingClientRect().width <= (img.closest('main')?.clientWidth ?? 0) }))
          })
          for (const img of images) assert(img.ok && img.fits, `image ${img.src}: ${JSON.stringify(img)}`)
          if (width === 390) {
            const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
            assert(scroll <= client, `page is ${scroll} px wide in a ${client} px viewport`)
          }
          const serious = await axe(page)
          assert(serious.length === 0, serious.join('\n'))
        })
      }
      await check('seed post title and Chinese body are drawn with a CJK font', async () => {
        await visit(page, SEED)
        for (const selector of ['article h1', '.content p']) {
          const fonts = await platformFonts(page, selector)
          const used = fonts.map((f) => `${f.familyName}×${f.glyphCount}`).join(', ')
          const cjk = fonts.filter((f) => CJK_FONT.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0)
          const text = await page.$eval(selector, (el) => el.textContent ?? '')
          const han = [...text].filter((ch) => /\p{Script=Han}/u.test(ch)).length
          assert(han > 0, `${selector} has no Chinese text`)
          // Every Han character must come from a CJK face; Latin may come from another.
          assert(cjk >= han, `${selector}: ${han} Han characters but ${cjk} glyphs from a CJK font (${used})`)
          if (scheme === 'light' && width === 390) console.log(`      ${selector}: ${used}`)
        }
      })
      if (width === 1280) {
        await check('print stylesheet shows the article alone', async () => {
          await visit(page, SEED)
          await page.emulateMedia({ media: 'print' })
          const shown = await page.evaluate(() => ['.site-header', '.site-footer', '.prev-next', 'article h1'].map((sel) => getComputedStyle(document.querySelector(sel)!).display !== 'none'))
          await page.emulateMedia({ media: 'screen' })
          assert(JSON.stringify(shown) === JSON.stringify([false, false, false, true]), `header, footer, prev/next, title shown: ${shown}`)
        })
      }
      if (width === 390) {
        await check('long code scrolls inside its box at 390 px', async () => {
          await visit(page, CODE)
          const boxes = await page.$$eval('.content pre', (els) => els.map((el) => ({ over: el.scrollWidth > el.clientWidth, style: getComputedStyle(el).overflowX, right: el.getBoundingClientRect().right })))
          assert(boxes.length > 0, 'no code blocks')
          for (const b of boxes) assert(b.style === 'auto' && b.right <= 390, `pre: ${JSON.stringify(b)}`)
        })
        await check('a table with a Chinese column scrolls in its box at 390 px, no column squeezed under four characters', async () => {
          await visit(page, CODE)
          const t = await page.$eval('.content table', (el) => ({
            right: el.getBoundingClientRect().right,
            scrolls: getComputedStyle(el).overflowX === 'auto',
            font: parseFloat(getComputedStyle(el.querySelector('td')!).fontSize),
            narrowest: Math.min(...Array.from(el.querySelectorAll("td"), (td) => td.getBoundingClientRect().width)),
          }))
          assert(t.scrolls && t.right <= 390, `table: ${JSON.stringify(t)}`)
          assert(t.narrowest >= 4 * t.font, `narrowest cell ${t.narrowest} px at ${t.font} px text`)
        })
      }
      await context.close()
    }
  }
  await readerChecks(browser, origin)
  console.log('moving in')
  await check("an old Jekyll site's cache-first service worker is retired: after the move, a reload shows the Kumo page", () => serviceWorkerRetires(browser))
  console.log(`screenshots: ${SHOTS}`)
}

/** What the page script adds, and what a reader without script still gets. */
async function readerChecks(browser: Browser, origin: string): Promise<void> {
  console.log('light/dark switch, copy code, no script')
  await check('the switch turns dark on a light system, remembers it, and applies it before the first paint', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', baseURL: origin })
    const page = await context.newPage()
    await visit(page, SEED)
    assert((await bodyLight(page)) > 0.9, 'not light before the switch')
    await page.click('#theme-toggle')
    assert((await bodyLight(page)) < 0.2, 'not dark after the switch')
    assert((await page.getAttribute('#theme-toggle', 'aria-pressed')) === 'true', 'aria-pressed is not true')
    // A new page: its first paint must already be dark. The check runs at the start of <body>,
    // before the stylesheet-dependent rest of the page, so a flash would show as a light value.
    await page.addInitScript(() => {
      document.addEventListener('readystatechange', () => ((window as unknown as { firstTheme: string | null }).firstTheme ??= document.documentElement.getAttribute('data-theme')), { once: true })
    })
    await visit(page, '/')
    assert((await page.evaluate(() => (window as unknown as { firstTheme: string | null }).firstTheme)) === 'dark', 'the saved choice was not applied before the page was interactive')
    assert((await bodyLight(page)) < 0.2, 'the choice was not remembered')
    const serious = await axe(page)
    assert(serious.length === 0, serious.join('\n'))
    await context.close()
  })
  await check('copy button copies a code block exactly', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: origin, permissions: ['clipboard-read', 'clipboard-write'] })
    const page = await context.newPage()
    await visit(page, CODE)
    const buttons = await page.$$('.content .code-box > .copy')
    const blocks = await page.$$eval('.content pre:not(.gutter)', (els) => els.length)
    assert(buttons.length === blocks && blocks > 0, `${buttons.length} copy buttons for ${blocks} code blocks`)
    await buttons[0]!.click()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    const code = await page.$eval('.content pre:not(.gutter) code', (el) => el.textContent)
    assert(copied === code, `copied ${JSON.stringify(copied.slice(0, 80))}`)
    await context.close()
  })
  await check('without JavaScript: posts read, no switch or copy button shows', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 }, baseURL: origin, javaScriptEnabled: false })
    const page = await context.newPage()
    await visit(page, CODE)
    assert((await page.textContent('article h1'))?.includes('缓存键'), 'no title')
    assert(!(await page.isVisible('#theme-toggle')), 'the switch shows without script')
    assert((await page.$$('.copy')).length === 0, 'copy buttons without script')
    await context.close()
  })
}

/** A post with utterances configured: screenshots, the thread's loading, and the CSP it needs. */
async function commentChecks(browser: Browser): Promise<void> {
  console.log('comments (utterances configured)')
  const server = await startServer({ siteYml: UTTERANCES })
  try {
    await check('the CSP adds utteranc.es on posts only', async () => {
      const csp = async (path: string) => (await fetch(`${server.origin}${encodeURI(path)}`)).headers.get('content-security-policy') ?? ''
      assert(/script-src [^;]*https:\/\/utteranc\.es/.test(await csp(SEED)), `post: ${await csp(SEED)}`)
      assert(!/utteranc/.test(await csp('/')), 'home allows utteranc.es')
    })
    for (const scheme of SCHEMES) {
      for (const width of WIDTHS) {
        await check(`post with comments, ${scheme}, ${width} px: thread loads after the content, old mapping kept, axe clean`, async () => {
          const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, bypassCSP: true, baseURL: server.origin })
          // Offline: the provider is never reached; what matters is what the page asks of it.
          await context.route(/^https:/, (route) => route.abort())
          const page = await context.newPage()
          await visit(page, SEED)
          assert((await page.$$('.comments-thread script')).length === 0, 'comments loaded before the reader came near')
          await page.locator('#comments-title').scrollIntoViewIfNeeded()
          await page.waitForSelector('.comments-thread script', { state: 'attached', timeout: 5000 })
          const attrs = await page.$eval('.comments-thread script', (s) => ({ src: s.getAttribute('src'), repo: s.getAttribute('repo'), term: s.getAttribute('issue-term') }))
          assert(attrs.src === 'https://utteranc.es/client.js' && attrs.repo === 'kumo-example/comments' && attrs.term === 'pathname', JSON.stringify(attrs))
          await page.evaluate(() => window.scrollTo(0, 0))
          await page.screenshot({ path: `${SHOTS}post-${scheme}-${width}.png`, fullPage: true })
          const serious = await axe(page)
          assert(serious.length === 0, serious.join('\n'))
          await context.close()
        })
      }
    }
  } finally {
    await server.stop()
  }
}

/** `npm run test:e2e -- preview` runs only the named groups (site, comments, preview, audit, author); none named: all. */
const only = new Set(process.argv.slice(2))
const wanted = (group: string) => only.size === 0 || only.has(group)

const server: Server | undefined = wanted('site') || wanted('audit') ? await startServer() : undefined
let browser: Browser | undefined
// Interrupted (Ctrl-C, CI timeout): still stop wrangler dev and remove the temp folder.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([browser?.close(), server?.stop()]).then(() => process.exit(130))
  })
}
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true })
  if (wanted('site') || wanted('comments')) {
    await rm(SHOTS, { recursive: true, force: true })
    await mkdir(SHOTS, { recursive: true })
  }
  if (server && wanted('site')) await run(server, browser)
  if (wanted('author')) await checkAuthorHtml(browser, check)
  if (wanted('comments')) await commentChecks(browser)
  if (server && wanted('audit')) await auditChecks(server.origin, check, assert)
  if (wanted('preview')) {
    console.log('preview (npm start)')
    await previewChecks(browser, check, assert)
  }
} catch (error) {
  failures.push(`harness: ${(error as Error).stack}`)
  console.error(error)
} finally {
  await browser?.close()
  await server?.stop()
}
console.log(`e2e: ${passed} passed, ${failures.length} failed${failures.length ? ` (${failures.join('; ')})` : ''}`)
process.exit(failures.length ? 1 : 0)

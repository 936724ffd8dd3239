/**
 * The writer's preview in a real browser: `npm start`'s preview (scripts/preview/)
 * on a copy of content/, the seed post open in Chromium under the site's real
 * CSP, then saves the way editors do (a temp file renamed over the post, as
 * `sed -i` and vim do) and waits, with no reload from the test, for the page to
 * show the edit; then a broken save must show the build's error, and the fix
 * the post again.
 */

import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startPreview } from '../../scripts/preview/index.ts'
import { paths } from '../../scripts/project.ts'

type Check = (name: string, fn: () => Promise<void>) => Promise<void>

const SEED = '/2025/01/deepseek-ai/'
const SEED_FILE = join('posts', '2025-01-31-deepseek-ai.md')

/** Replaces a file the way `sed -i` does: a new inode renamed over the old name. */
async function saveByRename(file: string, text: string): Promise<void> {
  const temp = `${file}.sedtmp`
  await writeFile(temp, text)
  await rename(temp, file)
}

/** Polls the open page (which may be mid-reload) until `predicate` holds; returns the wait in ms. */
async function until(page: Page, what: string, predicate: (arg: string) => boolean, arg = '', ms = 20_000): Promise<number> {
  const t0 = performance.now()
  for (;;) {
    const ok = await page.evaluate(predicate, arg).catch(() => false)
    if (ok) return Math.round(performance.now() - t0)
    if (performance.now() - t0 > ms) throw new Error(`${what}: not seen after ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function previewChecks(browser: Browser, check: Check, assert: (c: unknown, m: string) => asserts c): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-preview-'))
  const contentDir = join(tmp, 'content')
  await cp(paths.contentDir, contentDir, { recursive: true })
  const preview = await startPreview({
    contentDir,
    outDir: join(tmp, 'dist'),
    publicDir: join(tmp, 'public'),
    cacheDir: join(tmp, 'cache'),
    stateDir: join(tmp, 'state'),
    port: 0,
    quiet: true,
    log: () => undefined,
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: preview.url })
  const page = await context.newPage()
  const blocked: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) blocked.push(m.text())
  })
  const file = join(contentDir, SEED_FILE)
  const original = await readFile(file, 'utf8')
  try {
    await page.goto(encodeURI(SEED), { waitUntil: 'load' })
    await check('preview: a save by rename shows on the open page without a manual reload, which reloads once and alone', async () => {
      // A second page the save does not change: the home page lists the post by title and excerpt only.
      const home = await context.newPage()
      await home.goto('/', { waitUntil: 'load' })
      const loads = { post: 0, home: 0 }
      page.on('load', () => loads.post++)
      home.on('load', () => loads.home++)
      const marker = `live-reload-marker-${Date.now()}`
      await page.evaluate(() => ((window as unknown as { kumoFirstLoad: boolean }).kumoFirstLoad = true))
      await saveByRename(file, `${original}\n${marker}\n`)
      const ms = await until(page, marker, (m) => document.body.innerText.includes(m), marker)
      console.log(`      save → page shows it: ${ms} ms`)
      // The page reloaded itself: the flag set on the old document is gone.
      assert(await page.evaluate(() => !(window as unknown as { kumoFirstLoad?: boolean }).kumoFirstLoad), 'the page changed without a reload?')
      // The post was shown before its whole build (scripts/pipeline/quick.ts); once that build is live
      // too, the post has reloaded once (its ETag is the same in both) and the home page not at all.
      await new Promise((r) => setTimeout(r, 2500))
      assert(loads.post === 1 && loads.home === 0, `reloads after one save: post ${loads.post}, home ${loads.home} (want 1 and 0)`)
      await home.close()
      assert(blocked.length === 0, `CSP blocked: ${blocked.join('; ')}`)
    })
    await check('preview: a broken save shows the build error on the page, the fix shows the post', async () => {
      await saveByRename(file, original.replace(/^date: .*$/m, 'date: yesterday-ish'))
      await until(page, 'build error', () => document.getElementById('kumo-build-error') !== null)
      const text = await page.$eval('#kumo-build-error', (el) => el.textContent ?? '')
      assert(text.includes(SEED_FILE) && /is not a date/.test(text), `error shown: ${text}`)
      assert(!/\bat .*\.ts:\d+/.test(text), `a stack trace reached the page: ${text}`)
      await saveByRename(file, original)
      await until(page, 'post after the fix', () => document.querySelector('article h1') !== null && document.getElementById('kumo-build-error') === null)
    })
  } finally {
    await context.close()
    await preview.stop()
    await rm(tmp, { recursive: true, force: true })
  }
}

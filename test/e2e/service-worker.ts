/**
 * The old site's service worker is retired when the site moves to Kumo. A
 * reader's browser registers the cache-first worker of a real Jekyll build
 * (test/fixtures/jekyll-minima-built/sw.js, served as Jekyll wrote it), the
 * server on the same origin is switched to Kumo serving the imported site,
 * the reader reloads, and the Kumo page shows: the retiring worker Kumo
 * serves at /sw.js replaced the old one, cleared its caches and unregistered.
 */

import { readFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer, type Server as HttpServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { importJekyll } from '../../scripts/import/index.ts'
import { startLocalServer } from '../../scripts/local-server.ts'
import { freePort } from '../../scripts/project.ts'
import { buildToDisk } from '../../scripts/pipeline/index.ts'

const SITE = fileURLToPath(new URL('../fixtures/jekyll-minima', import.meta.url))
const BUILT = fileURLToPath(new URL('../fixtures/jekyll-minima-built', import.meta.url))
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.xml': 'application/xml', '.txt': 'text/plain' }

/** The old host: the Jekyll build served as GitHub Pages serves it (folder → index.html). */
function serveJekyll(port: number): Promise<HttpServer> {
  const server = createServer(async (req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    if (path.endsWith('/')) path += 'index.html'
    const file = join(BUILT, path)
    const found = await stat(file).then((s) => s.isFile(), () => false)
    res.writeHead(found ? 200 : 404, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(found ? await readFile(file) : 'not found')
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

export async function serviceWorkerRetires(browser: Browser): Promise<void> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const context = await browser.newContext()
  const page = await context.newPage()
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-e2e-sw-'))
  let kumo: Awaited<ReturnType<typeof startLocalServer>> | undefined
  try {
    // 1. A reader visits the Jekyll site; its worker takes over and caches the home page.
    const old = await serveJekyll(port)
    await page.goto(`${origin}/`)
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js')
      await navigator.serviceWorker.ready
    })
    await page.reload()
    assert(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the old worker does not control the page')
    assert((await page.evaluate(() => caches.keys())).includes('field-notes-v1'), 'the old worker made no cache')
    await new Promise<void>((resolve) => old.close(() => resolve()))
    old.closeAllConnections()

    // 2. The same origin now serves Kumo with the imported site.
    const content = join(tmp, 'content')
    await importJekyll(SITE, content, { built: BUILT })
    const publicDir = join(tmp, 'public')
    const result = await buildToDisk({ contentDir: content, outDir: join(tmp, 'dist'), publicDir })
    kumo = await startLocalServer(result, publicDir, { port })

    // 3. The reader reloads: the old worker answers from its cache once, the browser's update check
    //    fetches the retiring worker, which clears the caches, unregisters and reloads the page from Kumo.
    //    A Kumo page can show while the retiring worker still controls it (it claimed the page before
    //    its reload of it landed): the reader's end state is the Kumo page after that reload.
    await page.reload()
    await page.waitForFunction(() => document.querySelector('link[href^="/_kumo/style."]') !== null && navigator.serviceWorker.controller === null, undefined, { timeout: 30_000 })
    const state = await page.evaluate(async () => ({ controlled: navigator.serviceWorker.controller !== null, caches: await caches.keys(), registrations: (await navigator.serviceWorker.getRegistrations()).length }))
    assert(!state.controlled && state.caches.length === 0 && state.registrations === 0, `after the move: ${JSON.stringify(state)}`)
  } finally {
    await context.close()
    await kumo?.stop()
    await rm(tmp, { recursive: true, force: true })
  }
}

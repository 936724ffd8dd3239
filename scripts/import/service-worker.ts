/**
 * Retiring the old site's service worker. A reader who visited the Jekyll
 * site may still run its worker (Chirpy's PWA caches pages cache-first), and
 * a browser keeps a worker whose script now answers 404. So at the worker's
 * own URL Kumo serves this one instead: the browser's update check (on the
 * next navigation, HTTP cache bypassed: Service Workers §Update) installs it,
 * and it deletes every cache, unregisters itself and reloads the open pages
 * from the network.
 */

/** Where Jekyll themes put their workers: Chirpy ≥ 6 serves /sw.min.js, older Chirpy and hand-made PWAs /sw.js. */
const CHIRPY_WORKERS = ['/sw.js', '/sw.min.js']
const WORKER_NAME = /^(sw|service-?worker|serviceworker)(\.min)?\.js$/i

/** True for a file the old site served that looks like a service-worker script. */
export const isWorkerPath = (path: string): boolean => WORKER_NAME.test(path.slice(path.lastIndexOf('/') + 1))

/** Paths to retire: worker scripts the site served, and Chirpy's unless its PWA was switched off. */
export function workerPaths(served: string[], chirpy: boolean, pwa: unknown): string[] {
  const found = served.filter(isWorkerPath)
  const pwaOn = chirpy && !(typeof pwa === 'object' && pwa !== null && (pwa as { enabled?: unknown }).enabled === false)
  return [...new Set([...found, ...(pwaOn || (typeof pwa === 'object' && pwa !== null) ? CHIRPY_WORKERS : [])])].sort()
}

export const RETIRING_WORKER = `// Kumo: this site no longer uses a service worker. This one replaces the old
// site's: it deletes the caches the old worker made, unregisters itself and
// reloads every open page from the network.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.clients.claim()
    await Promise.all((await caches.keys()).map((key) => caches.delete(key)))
    await self.registration.unregister()
    for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url)
  })())
})
`

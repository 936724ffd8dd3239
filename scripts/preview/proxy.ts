/**
 * The preview's front door: an HTTP server on the writer's port that passes
 * every request to the worker (./workerd.ts) and, on the way back, adds the reload script
 * to HTML pages (./client.ts). It also serves the event stream that tells open
 * pages a new build is live (Server-Sent Events, HTML Living Standard §9.2), and
 * while the last build failed it answers pages with that build's error.
 *
 * Pages pass through unvalidated and uncached (`no-store`, no ETag): a page
 * answered 304 from the browser's cache would name an old build and reload for
 * ever. Preview only; the deployed worker's caching is untouched.
 */

import { createHash } from 'node:crypto'
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { ERROR_CSP, ETAG_HEADER, EVENTS, RELOAD_JS, RELOAD_SCRIPT, errorPage, reloadTag } from './client.ts'

export interface PreviewProxy {
  url: string
  /**
   * A build is live: open pages showing anything else reload, or check their
   * ETag first (./client.ts). With `paths`, the pages it changed (a saved
   * post shown before its whole build): those reload at once, and the
   * promise settles when one of them has been served again (or no page is
   * open, or after PAGE_WAIT_MS), so the build can wait for the writer's page
   * before it goes on.
   */
  built(buildId: string, paths?: string[]): Promise<void>
  /** The last build failed: pages show `message` (one line per problem) until the next good build. */
  failed(message: string): void
  /** The worker's code changed, the build did not: open pages reload. */
  reload(): void
  close(): Promise<void>
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']

function upstreamHeaders(req: IncomingMessage, host: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.includes(k)) headers[k] = v
  // Every page fresh from the worker (see above), and uncompressed so the script can go in.
  delete headers['if-none-match']
  delete headers['if-modified-since']
  headers['accept-encoding'] = 'identity'
  headers.host = host
  return headers
}

function passThrough(upstream: IncomingMessage, res: ServerResponse, version: string): void {
  const type = String(upstream.headers['content-type'] ?? '')
  const headers = { ...upstream.headers }
  for (const h of HOP_BY_HOP) delete headers[h]
  if (!/^text\/html\b/i.test(type)) {
    res.writeHead(upstream.statusCode ?? 502, headers)
    upstream.pipe(res)
    return
  }
  const chunks: Buffer[] = []
  upstream.on('data', (c: Buffer) => chunks.push(c))
  upstream.on('end', () => {
    const html = Buffer.concat(chunks).toString('utf8')
    const at = html.lastIndexOf('</body>')
    const etag = typeof upstream.headers.etag === 'string' ? upstream.headers.etag : undefined
    const tag = reloadTag(version, etag)
    const body = at < 0 ? html + tag : html.slice(0, at) + tag + html.slice(at)
    for (const h of ['etag', 'last-modified', 'content-length']) delete headers[h]
    // Not a validator (the browser must not revalidate, see above): what the reload script compares.
    if (etag) headers[ETAG_HEADER] = etag
    headers['cache-control'] = 'no-store'
    res.writeHead(upstream.statusCode ?? 502, headers)
    res.end(body)
  })
}

/** What the proxy knows between requests: the live build (or failed build's) version, its error, the open event streams. */
interface ProxyState {
  version: string
  error?: string
  streams: Set<ServerResponse>
  /** Called with each HTML page served. */
  onPage?: () => void
  /**
   * Requests that came before the first build was live or had failed: the
   * proxy listens from the runtime's start, and a page asked for during the
   * first build is answered as soon as there is one, rather than refused.
   */
  held?: Array<() => void>
}

/** How long `built(id, paths)` waits for a changed page to be asked for again. */
const PAGE_WAIT_MS = 250

/** The reload script, the event stream, the last build's error for pages, and everything else from the worker. */
function handler(state: ProxyState, target: URL) {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === RELOAD_SCRIPT) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
      res.end(RELOAD_JS)
      return
    }
    if (path === EVENTS) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      // Retry quickly after a restart of `npm start`.
      res.write(`retry: 500\nevent: build\ndata: ${state.version}\n\n`)
      state.streams.add(res)
      req.on('close', () => state.streams.delete(res))
      return
    }
    if (state.held) {
      state.held.push(() => handle(req, res))
      return
    }
    if (state.error !== undefined && /text\/html/.test(req.headers.accept ?? '')) {
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': ERROR_CSP })
      res.end(errorPage(state.error, state.version))
      return
    }
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: upstreamHeaders(req, target.host) },
      (up) => {
        passThrough(up, res, state.version)
        if (req.method === 'GET') res.once('finish', () => /^text\/html\b/i.test(String(up.headers['content-type'] ?? '')) && state.onPage?.())
      },
    )
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      res.end('The preview worker is not answering yet; this page reloads when it is.\n')
    })
    req.pipe(forward)
  }
  return handle
}

/** Lets the held requests through (ProxyState.held): the first build is live, or has failed. */
function releaseHeld(state: ProxyState): void {
  const held = state.held ?? []
  state.held = undefined
  for (const go of held) go()
}

/** Listens on `port` (127.0.0.1) in front of the worker at `upstream` (`http://127.0.0.1:<port>`). */
export function startProxy(upstream: string, port: number): Promise<PreviewProxy> {
  const state: ProxyState = { version: 'starting', streams: new Set(), held: [] }
  let reloads = 0
  // SSE: each line of the data is a `data:` field (HTML §9.2.6); paths hold no line break.
  const announce = (paths: string[] = []) => {
    const data = [state.version, ...paths].map((line) => `data: ${line}\n`).join('')
    for (const s of state.streams) s.write(`event: build\n${data}\n`)
  }
  const server = createServer(handler(state, new URL(upstream)))
  // Comments keep idle streams open through anything that times them out.
  const heartbeat = setInterval(() => {
    for (const s of state.streams) s.write(': keep-alive\n\n')
  }, 15_000)
  heartbeat.unref()

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number }
      resolve({
        url: `http://127.0.0.1:${bound}`,
        built(buildId, paths) {
          state.error = undefined
          state.version = buildId
          releaseHeld(state)
          if (!paths?.length || state.streams.size === 0) return Promise.resolve(announce(paths))
          return new Promise<void>((done) => {
            const end = () => {
              clearTimeout(timer)
              state.onPage = undefined
              done()
            }
            const timer = setTimeout(end, PAGE_WAIT_MS)
            state.onPage = end
            announce(paths)
          })
        },
        failed(message) {
          state.error = message
          state.version = `error-${createHash('sha256').update(message).digest('hex').slice(0, 12)}`
          releaseHeld(state)
          announce()
        },
        reload() {
          // A version the open pages have not seen, of the same build (or error).
          state.version = `${state.version.split('+')[0]}+${++reloads}`
          announce()
        },
        close: () =>
          new Promise<void>((done) => {
            clearInterval(heartbeat)
            for (const s of state.streams) s.end()
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}

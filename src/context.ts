/**
 * The worker's one request context: `AppEnv` types every Hono app and
 * middleware here, and `served()` loads the build to serve once per request
 * into `c.var`, before any route runs. A route reads `c.var.manifest`,
 * `c.var.site` and `c.var.now` and never loads the build itself.
 */

import type { MiddlewareHandler } from 'hono'
import { currentBuildId, loadBuild } from './data/index.ts'
import type { ManifestIndex } from './shared/manifest-codec.ts'
import type { SiteRecord } from './shared/schema.ts'

export interface Served {
  /** The build's manifest, searched per lookup (manifest-codec.ts). */
  manifest: ManifestIndex
  /** The build's site settings. */
  site: SiteRecord
  /** The request's instant (ms): every schedule lookup of this request uses the same one. */
  now: number
}

export type AppEnv = { Bindings: Env; Variables: Served }

/** The build this request is served from: the deploy's BUILD_ID, else the local `current` pointer. */
export async function servedBuild(env: Env): Promise<Served> {
  const { manifest, site } = await loadBuild(env.CONTENT, await currentBuildId(env.CONTENT, env.BUILD_ID, Date.now(), env.POINTER_TTL_MS))
  return { manifest, site, now: Date.now() }
}

export function served(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { manifest, site, now } = await servedBuild(c.env)
    c.set('manifest', manifest)
    c.set('site', site)
    c.set('now', now)
    await next()
  }
}

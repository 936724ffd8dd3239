/**
 * Stage "config": content/site.yml, read and validated (site-config.ts).
 *
 * With a cache folder, the settings last validated are kept in it under a hash
 * of site.yml's text and the renderer's version (cache.ts), so a build whose
 * site.yml did not change takes them from there and does not load the YAML
 * parser and the validator (js-yaml, zod: ~50 ms of a warm build's start).
 * Only settings that validated are kept, so a bad site.yml is always reported.
 */

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { SiteConfig } from '../../src/shared/schema.ts'
import { rendererVersion } from './cache.ts'
import { BuildError } from './errors.ts'
import { sha256 } from './manifest.ts'
import { readOptional } from './sources.ts'
import { writeFileAtomic } from './write.ts'

const MEMO = 'site-config.json'

export async function config(contentDir: string, cacheDir?: string): Promise<SiteConfig> {
  const source = await readOptional(join(contentDir, 'site.yml'))
  if (source === undefined) throw new BuildError('site.yml', 'is missing; create content/site.yml with title, url and timezone')
  if (!cacheDir) return parse(source)
  const file = join(cacheDir, MEMO)
  const key = sha256(`${await rendererVersion()}\0${source}`)
  // Missing or damaged (a build stopped mid-write): parsed again.
  const kept = await readOptional(file)
    .then((t) => (t === undefined ? undefined : (JSON.parse(t) as { key?: string; config?: SiteConfig } | null)))
    .catch(() => undefined)
  if (kept?.key === key && kept.config) return kept.config
  const site = await parse(source)
  // Best effort: a memo that cannot be written only makes the next build parse site.yml again.
  await mkdir(cacheDir, { recursive: true })
    .then(() => writeFileAtomic(file, JSON.stringify({ key, config: site })))
    .catch(() => undefined)
  return site
}

async function parse(source: string): Promise<SiteConfig> {
  const { parseSiteConfig } = await import('./site-config.ts')
  return parseSiteConfig('site.yml', source)
}

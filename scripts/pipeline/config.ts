/** Stage "config": content/site.yml, read and validated (site-config.ts). */

import { join } from 'node:path'
import type { SiteConfig } from '../../src/shared/schema.ts'
import { BuildError } from './errors.ts'
import { parseSiteConfig } from './site-config.ts'
import { readOptional } from './sources.ts'

export async function config(contentDir: string): Promise<SiteConfig> {
  const source = await readOptional(join(contentDir, 'site.yml'))
  if (source === undefined) throw new BuildError('site.yml', 'is missing; create content/site.yml with title, url and timezone')
  return parseSiteConfig('site.yml', source)
}

/**
 * A local copy of the remote deploy record and of the manifests deployed from
 * this checkout (under .kumo/, not committed), so `npm run deploy -- --dry-run`
 * can plan with no account and no network.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Manifest } from '../../src/shared/schema.ts'
import { parseState, type DeployState } from './state.ts'

export function deployCache(dir: string) {
  const manifestFile = (id: string) => join(dir, 'manifests', `${id}.json`)
  return {
    async state(): Promise<DeployState | null> {
      const json = await readFile(join(dir, 'state.json'), 'utf8').catch(() => null)
      return json === null ? null : parseState(json)
    },
    async manifest(id: string): Promise<Manifest | null> {
      const json = await readFile(manifestFile(id), 'utf8').catch(() => null)
      return json === null ? null : (JSON.parse(json) as Manifest)
    },
    async save(state: DeployState, manifest?: Manifest): Promise<void> {
      await mkdir(join(dir, 'manifests'), { recursive: true })
      if (manifest) await writeFile(manifestFile(manifest.buildId), JSON.stringify(manifest))
      await writeFile(join(dir, 'state.json'), JSON.stringify(state))
    },
  }
}

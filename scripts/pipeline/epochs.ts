/**
 * Stage "assemble": the site as it stands at the build's now (the base
 * epoch), and one schedule step per later instant a scheduled post appears,
 * each the difference from the epoch before. Every epoch's records go into
 * one blob store, so a record shared by epochs is one blob.
 */

import type { ScheduleStep, SiteConfig } from '../../src/shared/schema.ts'
import { assemble } from './assemble.ts'
import { carryDates, type Dating } from './history.ts'
import type { Assets } from './assets.ts'
import type { Linked } from './link.ts'
import { BlobStore, diff, materialise, siteRecord, siteRecordFields, type Materialised } from './manifest.ts'
import type { BuildSession } from './session.ts'

export interface Epochs {
  store: BlobStore
  /** What the worker serves from the build's now. */
  base: Materialised
  schedule: ScheduleStep[]
}

export function epochs(linked: Linked, site: SiteConfig, assets: Assets, nowMs: number, session: BuildSession, dated: Dating): Epochs {
  const { included, pages } = linked
  const store = new BlobStore(session.hashed)
  const siteHash = store.put(siteRecord({ ...siteRecordFields(site), assets: { css: assets.css, favicon: assets.favicon } }))
  const options = { siteUrl: site.url, lang: site.lang, taxonomyPaginate: site.taxonomyPaginate, memo: session.assembly, edited: dated.edited }
  const at = (ms: number): Materialised => {
    const visible = included.filter((p) => p.ms <= ms)
    return materialise(assemble(visible, pages, site.paginate, options), store, siteHash, assets.template)
  }
  const base = at(nowMs)
  // Each epoch dated against the one before it: the previous build for the base, the epoch before for a step.
  carryDates(dated.history?.routes, base, Math.floor(nowMs / 1000))
  const times = [...new Set(included.filter((p) => p.ms > nowMs).map((p) => p.ms))].sort((a, b) => a - b)
  const schedule: ScheduleStep[] = []
  let previous = base
  for (const time of times) {
    const next = at(time)
    carryDates(previous.routes, next, Math.floor(time / 1000))
    schedule.push(diff(time, previous, next))
    previous = next
  }
  return { store, base, schedule }
}

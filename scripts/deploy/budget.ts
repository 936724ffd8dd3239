/**
 * The day's KV write budget (Workers Free plan: 1,000 writes a day, reset at
 * 00:00 UTC) and the ledger that lets a deploy too large for one day finish
 * over several: which blobs this checkout has put that no manifest references
 * yet, and how many writes it used today. Kept in the deploy cache
 * (.kumo/deploy/ledger.json; beside the persist dir for local KV).
 *
 * The ledger only saves writes, it never decides what is served: a resumed
 * deploy checks the blobs it lists against KV (`v1:blob:` list, one operation
 * per 1,000 keys) before it skips them, and the manifest still goes up last,
 * only once every blob is in, so the old build serves until then.
 */

import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeFileAtomic } from '../pipeline/write.ts'

export const FREE_PLAN_WRITES = 1000

export interface Ledger {
  /** UTC day (YYYY-MM-DD) `used` counts. */
  day: string
  used: number
  /** Blobs put by a deploy that has not put its manifest yet. */
  uploaded: string[]
}

export interface LedgerStore {
  read(): Promise<Ledger | null>
  save(ledger: Ledger): Promise<void>
}

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10)

export function ledgerStore(dir: string): LedgerStore {
  const file = join(dir, 'ledger.json')
  return {
    async read() {
      const text = await readFile(file, 'utf8').catch(() => null)
      try {
        const value = text === null ? null : (JSON.parse(text) as Ledger)
        return value && typeof value.day === 'string' && Number.isInteger(value.used) && Array.isArray(value.uploaded) ? value : null
      } catch {
        return null // cut short by a crash: as if none (it only saves writes)
      }
    },
    async save(ledger) {
      await mkdir(dirname(file), { recursive: true })
      await writeFileAtomic(file, JSON.stringify(ledger))
    },
  }
}

/** The ledger as of `now`: a new UTC day starts with nothing used. */
export function today(ledger: Ledger | null, now: Date): Ledger {
  const day = utcDay(now)
  if (!ledger) return { day, used: 0, uploaded: [] }
  return ledger.day === day ? ledger : { ...ledger, day, used: 0 }
}

/** The budget a command runs with: `--budget N`, else site.yml `kv_writes_per_day`, else the Free plan's. */
export function budgetOf(flag: string | undefined, site: number | undefined): number {
  if (flag === undefined) return site ?? FREE_PLAN_WRITES
  const n = Number(flag)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--budget must be a whole number of KV writes, at least 1 (got "${flag}")`)
  return n
}

/** Days a deploy of `writes` takes at `budget` a day, given `left` today. */
export function daysFor(writes: number, budget: number, left: number): number {
  return writes <= left ? 1 : 1 + Math.ceil((writes - left) / budget)
}

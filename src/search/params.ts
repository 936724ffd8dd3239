/** The `page` parameter of a search, for the page and the API alike. */

import { MAX_PAGE } from './index.ts'

/** `page` as a number from 1 to MAX_PAGE (1 when absent or empty); undefined when given but not one. */
export function pageParam(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return 1
  if (!/^\d{1,4}$/.test(raw)) return undefined
  const n = Number(raw)
  return n >= 1 && n <= MAX_PAGE ? n : undefined
}

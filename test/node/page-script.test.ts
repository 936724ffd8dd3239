import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { pageCsp } from '../../src/shared/headers.ts'
import { PAGE_SCRIPT, PAGE_SCRIPT_HASH } from '../../src/shared/page-script.ts'

describe('the page script', () => {
  it('is allowed by the hash every page CSP carries, and that hash is its own', () => {
    const hash = `'sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}'`
    expect(PAGE_SCRIPT_HASH).toBe(hash)
    expect(pageCsp()).toContain(`script-src 'self' ${hash}`)
  })

  it('cannot end its own element', () => {
    expect(PAGE_SCRIPT).not.toMatch(/<\/script|<!--/i)
  })
})

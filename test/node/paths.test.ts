import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { href } from '../../src/shared/paths.ts'

const slow = (path: string) => path.split('/').map(encodeURIComponent).join('/')

describe('href', () => {
  it('encodes every segment exactly as encodeURIComponent does, keeping the slashes', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('大模型', 'a b', "it's", '%', '?#&'))), (parts) => {
      const path = `/${parts.join('/')}/`
      expect(href(path)).toBe(slow(path))
    }))
  })

  it('leaves plain ASCII slugs as they are and encodes CJK', () => {
    expect(href('/2025/01/deepseek-ai/')).toBe('/2025/01/deepseek-ai/')
    expect(href('/tags/大模型/')).toBe('/tags/%E5%A4%A7%E6%A8%A1%E5%9E%8B/')
  })
})

import { describe, expect, it } from 'vitest'
import { BuildError } from '../../scripts/pipeline/errors.ts'
import { parseSource } from '../../scripts/pipeline/front-matter.ts'

const parse = (text: string) => parseSource('posts/x.md', text)

function errorOf(text: string): BuildError {
  try {
    parse(text)
  } catch (error) {
    expect(error).toBeInstanceOf(BuildError)
    return error as BuildError
  }
  throw new Error('expected a BuildError')
}

describe('front matter forms', () => {
  it('keeps the date as written, offset included', () => {
    expect(parse('---\ntitle: T\ndate: 2025-01-31 00:15:00.000000000 +09:00\n---\nbody').data.date).toEqual({ text: '2025-01-31 00:15:00.000000000 +09:00', yamlPlain: true })
  })

  it('takes tags and categories as lists or space-separated strings, singular or plural', () => {
    const a = parse('---\ntitle: T\ntags: [AI, 大模型, AI]\ncategories: 南箕北斗集\n---\n').data
    expect(a.tags).toEqual(['AI', '大模型'])
    expect(a.categories).toEqual(['南箕北斗集'])
    const b = parse('---\ntitle: T\ntag: swift ios\ncategory: [Notes]\n---\n').data
    // The singular keys are one name each, spaces and all; Jekyll 4.3.1 gives tags ["swift ios"]
    // and, for `category: Google Cloud` + `categories: x y`, ["x", "y", "Google Cloud"] (URL /x/y/google%20cloud/…).
    expect(b.tags).toEqual(['swift ios'])
    expect(b.categories).toEqual(['Notes'])
    const d = parse('---\ntitle: T\ncategory: Google Cloud\ncategories: x y\ntag: [a]\ntags: [b]\n---\n').data
    expect(d.categories).toEqual(['x', 'y', 'Google Cloud'])
    // `tag:` wins over `tags:` (Utils.pluralized_array_from_hash).
    expect(d.tags).toEqual(['a'])
    const c = parse('---\ntitle: T\ntags:\n  - 2024\n  - web\n---\n').data
    expect(c.tags).toEqual(['2024', 'web'])
  })

  it('takes image as a path or {path, alt}', () => {
    expect(parse('---\ntitle: T\nimage: /a.png\n---\n').data.image).toEqual({ path: '/a.png', alt: '' })
    expect(parse('---\ntitle: T\nimage:\n  path: /b.png\n  alt: 图\n---\n').data.image).toEqual({ path: '/b.png', alt: '图' })
  })

  it('ignores keys it does not use, and reads booleans', () => {
    const d = parse('---\nlayout: post\ncomments: true\ntypora-root-url: ..\ntitle: T\npublished: false\npin: true\ntoc: false\n---\n').data
    expect(d).toMatchObject({ title: 'T', published: false, pin: true, toc: false })
  })

  it('accepts a BOM and CRLF line endings', () => {
    const r = parse('\uFEFF---\r\ntitle: Windows\r\ntags: [a]\r\n---\r\nline one\r\nline two\r\n')
    expect(r.data.title).toBe('Windows')
    expect(r.body).toBe('line one\nline two\n')
    expect(r.bodyLine).toBe(5)
  })
})

describe('bad front matter names the file and line', () => {
  it('malformed YAML', () => {
    const e = errorOf('---\ntitle: T\ntags: [a, b\ndate: 2025-01-01\n---\n')
    expect(e.message).toMatch(/^posts\/x\.md:\d+: front matter is not valid YAML/)
    expect(e.line).toBeGreaterThanOrEqual(3)
  })

  it('a missing title', () => {
    const e = errorOf('---\ndate: 2025-01-01\n---\nbody')
    expect(e.message).toBe('posts/x.md:1: `title` is missing; add a line such as `title: "My post"` to the front matter')
  })

  it('a wrongly typed key, at its line', () => {
    const e = errorOf('---\ntitle: T\n\ntags: {a: 1}\n---\n')
    expect(e.line).toBe(4)
    expect(e.message).toContain('`tags`')
  })

  it('an empty file', () => {
    expect(errorOf('').message).toBe('posts/x.md: the file is empty; give it front matter and a body, or delete it')
    expect(errorOf('  \n\n').message).toContain('empty')
  })

  it('an image map with no path, by name', () => {
    const e = errorOf('---\ntitle: T\nimage:\n  alt: only the alt\n---\n')
    expect(e.message).toBe('posts/x.md:3: `image` has no `path`; use a path (`image: /assets/a.png`) or `{ path: …, alt: … }`')
  })

  it('front matter with no closing ---', () => {
    expect(errorOf('---\ntitle: T\nbody text').message).toBe('posts/x.md:1: the front matter opened here is never closed; add a `---` line after it')
  })

  it('no front matter at all', () => {
    expect(errorOf('# Just markdown').message).toContain('no front matter')
  })
})

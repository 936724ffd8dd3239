// Posts as Jekyll reads them: filename forms, every date form in the site
// timezone (and the URL day/month that follows), excerpts, image forms.
import { describe, expect, it } from 'vitest'
import { buildPost } from '../../scripts/pipeline/posts.ts'
import type { SiteConfig } from '../../src/shared/schema.ts'

const site = (over: Partial<SiteConfig> = {}): SiteConfig => ({
  title: 'T',
  description: '',
  url: 'https://blog.example',
  author: { name: '' },
  lang: 'en',
  timezone: 'Asia/Tokyo',
  permalink: 'date',
  paginate: 10,
  ...over,
})
const NOW = Date.UTC(2030, 0, 1)
const post = (path: string, text: string, over: Partial<SiteConfig> = {}) => buildPost({ kind: 'post', path, text }, site(over), NOW)
const fm = (lines: string, body = 'Body.') => `---\ntitle: T\n${lines}\n---\n${body}\n`

describe('filenames', () => {
  it.each([
    ['posts/2024-3-5-one-digit.markdown', '/2024/03/05/one-digit.html'],
    ['posts/2024-03-05-two-digit.md', '/2024/03/05/two-digit.html'],
    ['posts/2024-12-1-mixed.MD', '/2024/12/01/mixed.html'],
    ['posts/sub/2024-1-9-nested.md', '/2024/01/09/nested.html'],
  ])('%s → %s', (path, url) => {
    expect(post(path, fm('')).path).toBe(url)
  })

  it('lets the front-matter date decide the URL over the filename', () => {
    expect(post('posts/2020-01-01-moved.md', fm('date: 2021-06-15 10:00:00 +09:00')).path).toBe('/2021/06/15/moved.html')
  })
})

describe('date forms, read in the site timezone when no offset is given (but for a YAML timestamp, as Jekyll does)', () => {
  it.each([
    ['date only', '2025-01-31', '2025-01-30T15:00:00.000Z'],
    // Psych loads an unquoted timestamp with seconds and no offset as UTC; quoted, or without seconds, it is site time.
    ['YAML timestamp, no offset: UTC', '2025-01-31 08:15:00', '2025-01-31T08:15:00.000Z'],
    ['YAML timestamp with T, no offset: UTC', '2025-01-31T08:15:00', '2025-01-31T08:15:00.000Z'],
    ['quoted, no offset: site time', '"2025-01-31 08:15:00"', '2025-01-30T23:15:00.000Z'],
    ['no seconds, no offset: site time', '2025-01-31 08:15', '2025-01-30T23:15:00.000Z'],
    ['offset with colon', '2025-01-31 08:15:00 +09:00', '2025-01-30T23:15:00.000Z'],
    ['offset without colon', '2025-01-31 08:15:00 -0500', '2025-01-31T13:15:00.000Z'],
    ['fractional seconds', '2025-01-31 08:15:00.250 +00:00', '2025-01-31T08:15:00.250Z'],
    ['nanoseconds (Jekyll writes these)', '2025-01-31 08:15:00.000000000 +09:00', '2025-01-30T23:15:00.000Z'],
    ['Z', '2025-01-31T08:15:00Z', '2025-01-31T08:15:00.000Z'],
    ['no seconds', '2025-01-31 08:15 +09:00', '2025-01-30T23:15:00.000Z'],
  ])('%s: %s', (_, date, iso) => {
    expect(new Date(post('posts/2025-01-31-d.md', fm(`date: ${date}`)).ms).toISOString()).toBe(iso)
  })

  it.each([
    // 23:30 UTC on Jan 31 is 08:30 on Feb 1 in Tokyo: the URL says February.
    ['Asia/Tokyo', '2025-01-31 23:30:00 +00:00', '/2025/02/01/m.html', '2025-02-01'],
    // 01:00 UTC on Mar 1 is still Feb 28 in New York.
    ['America/New_York', '2025-03-01 01:00:00 +00:00', '/2025/02/28/m.html', '2025-02-28'],
    // New Year's Eve, one second before midnight, in the site's own zone.
    ['Asia/Shanghai', '2024-12-31 23:59:59 +08:00', '/2024/12/31/m.html', '2024-12-31'],
    ['Asia/Shanghai', '2024-12-31 16:00:00 +00:00', '/2025/01/01/m.html', '2025-01-01'],
    // A leap day near midnight, no offset and no seconds: read on the site clock.
    ['Pacific/Auckland', '2024-02-29 23:59', '/2024/02/29/m.html', '2024-02-29'],
    // With seconds it is a YAML timestamp, which Psych reads as UTC: 12:59 on 1 March in Auckland, as in Jekyll.
    ['Pacific/Auckland', '2024-02-29 23:59:59', '/2024/03/01/m.html', '2024-03-01'],
  ])('near midnight in %s: %s lands on %s', (timezone, date, url, day) => {
    const p = post('posts/2025-01-01-m.md', fm(`date: ${date}`), { timezone })
    expect(p.path).toBe(url)
    expect(p.day).toBe(day)
  })

  it('takes a filename-only date as midnight on the site clock', () => {
    const p = post('posts/2025-01-01-m.md', fm(''), { timezone: 'America/Los_Angeles' })
    expect(new Date(p.ms).toISOString()).toBe('2025-01-01T08:00:00.000Z')
    expect(p.path).toBe('/2025/01/01/m.html')
  })
})

describe('front matter meanings', () => {
  it('uses per-post permalinks with tokens and styles', () => {
    expect(post('posts/2025-02-03-x.md', fm('permalink: /:categories/:i_month/:i_day/:title/\ncategories: [Dev, iOS]')).path).toBe('/dev/ios/2/3/x/')
    expect(post('posts/2025-02-03-x.md', fm('permalink: pretty\ncategories: Dev')).path).toBe('/dev/2025/02/03/x/')
    expect(post('posts/2025-02-03-x.md', fm('permalink: /fixed/path.html')).path).toBe('/fixed/path.html')
  })

  it('takes image as a path or {path, alt}', () => {
    expect(post('posts/2025-01-01-a.md', fm('image: /assets/a.png')).image).toEqual({ src: '/assets/a.png', alt: '' })
    expect(post('posts/2025-01-01-a.md', fm('image:\n  path: /assets/b.png\n  alt: 封面')).image).toEqual({ src: '/assets/b.png', alt: '封面' })
  })

  it('ignores keys it does not use', () => {
    const p = post('posts/2025-01-01-a.md', fm('layout: post\ncomments: true\ntypora-root-url: ../\nmath: true\nmermaid: true'))
    expect(p.title).toBe('T')
  })

  it('accepts a BOM and CRLF line endings', () => {
    const p = post('posts/2025-01-01-a.md', '\uFEFF---\r\ntitle: CRLF\r\ntags: [a]\r\n---\r\nLine one\r\nline two\r\n')
    expect(p.title).toBe('CRLF')
    expect(p.html).toBe('<p>Line one\nline two</p>\n')
  })

  it('cuts the excerpt at <!--more--> or the post’s excerpt_separator', () => {
    expect(post('posts/2025-01-01-a.md', fm('', 'First.\n\nSecond.\n<!--more-->\nThird.')).excerpt).toBe('First. Second.')
    expect(post('posts/2025-01-01-a.md', fm('excerpt_separator: <!-- cut -->', 'One.\n\nTwo.\n\n<!-- cut -->\n\nThree.')).excerpt).toBe('One. Two.')
    // Without a separator, Jekyll's excerpt is the first paragraph.
    expect(post('posts/2025-01-01-a.md', fm('', 'Only this.\n\nNot this.')).excerpt).toBe('Only this.')
  })

  it('resolves Liquid with the site URL split as Jekyll splits url and baseurl', () => {
    const p = post('posts/2025-01-01-a.md', fm('', '[x]({{ site.baseurl }}/a/) {{ site.url }} {% unknown %}'), { url: 'https://blog.example/sub' })
    expect(p.html).toBe('<p><a href="/sub/a/">x</a> <a href="https://blog.example">https://blog.example</a> </p>\n')
    expect(p.warnings).toEqual(['removed Liquid tag {% unknown %} (no equivalent here)'])
  })
})

import { describe, expect, it } from 'vitest'
import { permalink } from '../../scripts/pipeline/permalink.ts'
import { parseDate } from '../../src/shared/time.ts'
import { jekyllSlugify, termSlug } from '../../src/shared/slug.ts'

const at = (date: string, tz = 'Asia/Tokyo') => parseDate(date, tz)!.ms

describe('permalink', () => {
  const input = { slug: 'deepseek-ai', categories: ['南箕北斗集'], ms: at('2025-01-31 00:15:00 +09:00'), timeZone: 'Asia/Tokyo' }

  it('takes the date on the site clock: the seed post is January in Tokyo', () => {
    expect(permalink('/:year/:month/:title/', input)).toBe('/2025/01/deepseek-ai/')
    expect(permalink('/:year/:month/:day/:title/', { ...input, timeZone: 'UTC' })).toBe('/2025/01/30/deepseek-ai/')
  })

  it('knows every token', () => {
    const ms = at('2024-03-05 07:08:09 +09:00')
    const p = permalink('/:year/:short_year/:month/:i_month/:day/:i_day/:hour/:minute/:second/:y_day/', { ...input, ms })
    expect(p).toBe('/2024/24/03/3/05/5/07/08/09/065/')
    expect(permalink('/:slug/', { ...input, slug: 'Hello World!' })).toBe('/hello-world/')
    expect(permalink('/:title/', { ...input, slug: 'Hello World!' })).toBe('/Hello-World!/')
  })

  it('knows the named styles', () => {
    expect(permalink('date', input)).toBe('/南箕北斗集/2025/01/31/deepseek-ai.html')
    expect(permalink('pretty', input)).toBe('/南箕北斗集/2025/01/31/deepseek-ai/')
    expect(permalink('ordinal', input)).toBe('/南箕北斗集/2025/031/deepseek-ai.html')
    expect(permalink('none', { ...input, categories: [] })).toBe('/deepseek-ai.html')
  })

  it('lower-cases and joins categories, collapsing empty ones', () => {
    expect(permalink('/:categories/:title/', { ...input, categories: ['Tech', 'iOS Dev'] })).toBe('/tech/ios dev/deepseek-ai/')
    expect(permalink('/:categories/:title/', { ...input, categories: [] })).toBe('/deepseek-ai/')
  })
})

describe('slugs', () => {
  it('makes Chirpy tag slugs: lower-case, spaces to -, CJK kept', () => {
    expect(termSlug('Machine Learning')).toBe('machine-learning')
    expect(termSlug('大模型')).toBe('大模型')
    expect(termSlug('iOS')).toBe(termSlug('ios'))
  })

  it('slugifies like Jekyll', () => {
    expect(jekyllSlugify('The _config.yml file?!')).toBe('the-config-yml-file')
    expect(jekyllSlugify('The _config.yml file?', 'pretty')).toBe('the-_config.yml-file')
    expect(jekyllSlugify('中文 标题', 'default')).toBe('中文-标题')
  })
})

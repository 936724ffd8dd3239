import { describe, expect, it } from 'vitest'
import { pageCsp } from '../../src/shared/headers.ts'
import { PAGE_SCRIPT_HASH } from '../../src/shared/page-script.ts'

/** Every page may run the layout's one script (src/shared/page-script.ts) and nothing else inline. */
const SELF = `script-src 'self' ${PAGE_SCRIPT_HASH}`

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `))

describe('pageCsp', () => {
  it('is strict when nothing is added', () => {
    expect(directive(pageCsp(), 'script-src')).toBe(SELF)
    expect(directive(pageCsp(), 'style-src')).toBe("style-src 'self'")
  })

  it('widens each directive by exactly the origins given', () => {
    const csp = pageCsp([], { script: ['https://gist.github.com'], style: ['https://github.githubassets.com'], frame: ['https://utteranc.es'] })
    expect(directive(csp, 'script-src')).toBe(`${SELF} https://gist.github.com`)
    expect(directive(csp, 'style-src')).toBe("style-src 'self' https://github.githubassets.com")
    expect(directive(csp, 'frame-src')).toBe("frame-src 'self' https: https://utteranc.es")
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'")
  })

  it('refuses anything that is not an https origin', () => {
    const csp = pageCsp([], { script: ["'unsafe-inline'", '*', 'http://x.example', 'https://a.example/path', "https://b.example; script-src *"] })
    expect(directive(csp, 'script-src')).toBe(SELF)
  })

  it('takes a subdomain wildcard for beacons, never for scripts', () => {
    const csp = pageCsp([], { script: ['https://*.example.com'], connect: ['https://*.google-analytics.com', 'https://*', 'https://*.com*'] })
    expect(directive(csp, 'script-src')).toBe(SELF)
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' https://*.google-analytics.com")
  })
})

describe('mergeSources', () => {
  it('keeps every origin of both, once, and style attributes when either allows them', async () => {
    const { mergeSources } = await import('../../src/shared/headers.ts')
    const merged = mergeSources({ script: ['https://gist.github.com'], styleAttributes: true }, { script: ['https://utteranc.es', 'https://gist.github.com'], frame: ['https://utteranc.es'] })
    expect(merged).toEqual({ script: ['https://gist.github.com', 'https://utteranc.es'], frame: ['https://utteranc.es'], styleAttributes: true })
    expect(mergeSources(undefined, undefined)).toEqual({})
  })
})

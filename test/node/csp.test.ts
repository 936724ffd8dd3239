import { describe, expect, it } from 'vitest'
import { pageCsp } from '../../src/shared/headers.ts'

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `))

describe('pageCsp', () => {
  it('is strict when nothing is added', () => {
    expect(directive(pageCsp(), 'script-src')).toBe("script-src 'self'")
    expect(directive(pageCsp(), 'style-src')).toBe("style-src 'self'")
  })

  it('widens each directive by exactly the origins given', () => {
    const csp = pageCsp([], { script: ['https://gist.github.com'], style: ['https://github.githubassets.com'], frame: ['https://utteranc.es'] })
    expect(directive(csp, 'script-src')).toBe("script-src 'self' https://gist.github.com")
    expect(directive(csp, 'style-src')).toBe("style-src 'self' https://github.githubassets.com")
    expect(directive(csp, 'frame-src')).toBe("frame-src 'self' https: https://utteranc.es")
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'")
  })

  it('refuses anything that is not an https origin', () => {
    const csp = pageCsp([], { script: ["'unsafe-inline'", '*', 'http://x.example', 'https://a.example/path', "https://b.example; script-src *"] })
    expect(directive(csp, 'script-src')).toBe("script-src 'self'")
  })
})

/** Pages the browser suite visits by name (decoded paths; the browser encodes them). */

export const SEED = '/2025/01/deepseek-ai/'
/** The suite's own long, code-heavy post (test/e2e/content/), with a Chinese table. */
export const CODE = '/2025/04/cache-keys-in-practice/'

/** The page kinds Lighthouse and the Nu checker audit. */
export const AUDIT_PAGES: Record<string, string> = {
  home: '/',
  code: CODE,
  seed: SEED,
  tag: '/tags/大模型/',
  archives: '/archives/',
  tags: '/tags/',
  search: '/search?q=缓存',
}

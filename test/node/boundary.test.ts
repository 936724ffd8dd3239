/**
 * The build and the worker meet only in src/shared/ (README: "Layout"). This
 * test reads every module under scripts/ and fails when one imports from src/
 * anywhere else, so the contract cannot blur again without someone choosing to.
 * Likewise the worker's routes stand side by side: what two of them share
 * lives in a folder below them, never in a sibling route.
 */
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Modules allowed to reach past the contract, each for a reason:
 * the benchmark's workerd entry and its in-Node search bench run the worker
 * app itself, which is what they measure.
 */
const ALLOWED: Record<string, string> = {
  'scripts/bench/worker-entry.ts': 'bundles the worker app to time it inside workerd',
  'scripts/bench/search-node.ts': 'runs the worker app in Node to time search',
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

async function modules(dir: string): Promise<string[]> {
  const names = await readdir(join(ROOT, dir), { recursive: true })
  return names.filter((n) => /\.tsx?$/.test(n)).map((n) => `${dir}/${n.split(sep).join('/')}`)
}

async function crossings(file: string): Promise<string[]> {
  const text = await readFile(join(ROOT, file), 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!
    if (!spec.startsWith('.')) continue
    const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec)).split(sep).join('/')
    if (target.startsWith('src/') && !target.startsWith('src/shared/')) out.push(target)
  }
  return out
}

describe('import boundary', () => {
  it('scripts/ imports nothing from src/ but src/shared/', async () => {
    const found: string[] = []
    for (const file of await modules('scripts')) {
      if (file in ALLOWED) continue
      for (const target of await crossings(file)) found.push(`${file} → ${target}`)
    }
    expect(found).toEqual([])
  })

  it('src/shared/ imports nothing from the rest of src/', async () => {
    const found: string[] = []
    for (const file of await modules('src/shared')) {
      const text = await readFile(join(ROOT, file), 'utf8')
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2]!
        if (spec.startsWith('.') && !resolve(dirname(join(ROOT, file)), spec).startsWith(join(ROOT, 'src/shared'))) found.push(`${file} → ${spec}`)
      }
    }
    expect(found).toEqual([])
  })

  it('a route imports only data/, views/, feeds/, search/, cache/, shared/, the context type and the error type: never another route', async () => {
    const allowed = ['src/data/', 'src/views/', 'src/feeds/', 'src/search/', 'src/cache/', 'src/shared/']
    const files = ['src/context.ts', 'src/errors.ts']
    const found: string[] = []
    for (const file of await modules('src/routes')) {
      const text = await readFile(join(ROOT, file), 'utf8')
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2]!
        if (!spec.startsWith('.')) continue
        const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec)).split(sep).join('/')
        if (!allowed.some((dir) => target.startsWith(dir)) && !files.includes(target)) found.push(`${file} → ${target}`)
      }
    }
    expect(found).toEqual([])
  })

  it('every allowed exception still exists and still crosses', async () => {
    for (const file of Object.keys(ALLOWED)) expect((await crossings(file)).length, file).toBeGreaterThan(0)
  })
})

// scripts/run.mjs: a command runs as its bundle, sees itself as the script being run,
// and is bundled again only when a file it was made from changes.
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'run.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
const bundle = join(root, '.kumo', 'bin', 'new-post.mjs')

describe('scripts/run.mjs', () => {
  it('runs an entry file from its bundle, whose `import.meta.url === argv[1]` guard still holds', () => {
    const r = run('new-post')
    expect(r.stderr).toContain('usage: npm run new -- "Post title"')
    expect(r.status).toBe(1)
    const inputs = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8')) as Record<string, string>
    expect(Object.keys(inputs)).toContain('scripts/new-post.ts')
    expect(Object.keys(inputs)).toContain('src/shared/time.ts')
  })

  it('reuses the bundle while its inputs are unchanged', () => {
    run('new-post')
    const before = statSync(bundle).mtimeMs
    run('new-post')
    expect(statSync(bundle).mtimeMs).toBe(before)
  })

  it('names an unknown command in one line', () => {
    const r = run('no-such-command')
    expect(r.status).toBe(2)
    expect(r.stderr.trim()).toBe('scripts/no-such-command.ts: no such command')
  })
})

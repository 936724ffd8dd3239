// However `npm start` ends (Ctrl-C while it is still starting, Ctrl-C once it
// serves, or killed outright), no workerd and no runtime process outlive it:
// the runtime is a detached child whose group npm start stops on exit, and
// which stops itself when its parent's IPC channel closes
// (scripts/preview/runtime.ts, runtime-process.ts). Processes are found
// through /proc, so this runs on Linux only.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, paths } from '../../scripts/project.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-processes-')
const linux = existsSync('/proc/self/task')

/** Running (not zombie) processes whose parent is `pid`, on any of its threads. */
function children(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`, { withFileTypes: true }).map((t) => t.name)
  const ids = tasks.flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number))
  return ids.filter(alive)
}

function alive(pid: number): boolean {
  try {
    // The state follows the command name, which is in parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^Z/.test(stat.slice(stat.lastIndexOf(')') + 2))
  } catch {
    return false
  }
}

const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')

/** npm start, as `npm start` runs it, on a copy of content/ with outputs and local KV of its own. */
async function start(): Promise<{ child: ChildProcess; log: () => string }> {
  const work = await tempDir()
  await cp(paths.contentDir, join(work, 'content'), { recursive: true })
  const child = spawn(process.execPath, [join(paths.root, 'scripts', 'run.mjs'), 'start', '--content', join(work, 'content'), '--work', join(work, 'work')], {
    cwd: paths.root,
    env: { ...process.env, PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (d) => (log += d))
  child.stderr!.on('data', (d) => (log += d))
  return { child, log: () => log }
}

async function until(what: string | (() => string), ok: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'string' ? what : what()}: not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The runtime process and its workerds, once they are all up. */
async function runtimeOf(npmStart: number): Promise<number[]> {
  let found: number[] = []
  await until('the runtime process and its workerd', () => {
    const runtime = children(npmStart).find((pid) => commandOf(pid).includes('preview/runtime-process'))
    if (runtime === undefined) return false
    const workerds = children(runtime).filter((pid) => commandOf(pid).includes('workerd'))
    found = [runtime, ...workerds]
    return workerds.length > 0
  })
  return found
}

describe.skipIf(!linux)('npm start leaves no process behind', () => {
  for (const [how, signal, whenServing] of [
    ['Ctrl-C while starting', 'SIGINT', false],
    ['Ctrl-C once serving', 'SIGINT', true],
    ['killed once serving', 'SIGKILL', true],
  ] as const) {
    it(how, { timeout: 120_000 }, async () => {
      const { child, log } = await start()
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      const left = await runtimeOf(child.pid!)
      // What npm start said, should it never serve: the one clue a run on a loaded machine leaves.
      if (whenServing) await until(() => `serving (npm start said: ${log().slice(-1500) || 'nothing'})`, () => log().includes('[kumo] serving'))
      else expect(log()).not.toContain('[kumo] serving')
      child.kill(signal)
      await exited
      await until(`processes left: ${left.filter(alive).map(commandOf).join('; ')}`, () => !left.some(alive), 15_000)
    })
  }
})

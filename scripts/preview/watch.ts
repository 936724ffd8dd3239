/**
 * Watches a folder tree for any change, the way editors save.
 *
 * Why not `fs.watch(dir, { recursive: true })`: on Linux, Node 20 emulates
 * recursion in JavaScript and follows the files it found, so a file replaced
 * by rename — how `sed -i`, vim (`backupcopy=no`) and many editors save: write
 * a temp file, rename it over the old one — leaves the watch on the old inode
 * and no event ever comes. Here every *directory* is watched on its own
 * (inotify on the directory reports create, delete and rename of its entries,
 * whatever inode a name points at), and directories that appear are watched
 * as they appear.
 */

import { watch, type FSWatcher } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface TreeWatcher {
  close(): void
}

/** Calls `onChange` (with the path under `root` that changed, when known) for every change below `root`. */
export async function watchTree(root: string, onChange: (path: string) => void): Promise<TreeWatcher> {
  const watchers = new Map<string, FSWatcher>()
  let closed = false

  const add = async (dir: string): Promise<void> => {
    if (closed || watchers.has(dir)) return
    // Files need no watch of their own: their directory reports them, whatever inode the name points at.
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false)) || closed || watchers.has(dir)) return
    let watcher: FSWatcher
    try {
      watcher = watch(dir, (_event, name) => {
        const path = name ? join(dir, name.toString()) : dir
        // A new folder (a post bundle, assets/img) is watched from now on; a gone one drops out on error.
        void add(path).catch(() => undefined)
        onChange(path)
      })
    } catch {
      return // gone meanwhile
    }
    watcher.on('error', () => {
      watcher.close()
      watchers.delete(dir)
    })
    watchers.set(dir, watcher)
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => add(join(dir, e.name))))
  }

  await add(root)
  return {
    close() {
      closed = true
      for (const w of watchers.values()) w.close()
      watchers.clear()
    },
  }
}

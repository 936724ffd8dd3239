/**
 * Where the project's folders are, relative to this file, so scripts work from
 * any working directory and no machine path is ever written down.
 */

import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

export const paths = {
  root,
  contentDir: fileURLToPath(new URL('../content', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist', import.meta.url)),
  publicDir: fileURLToPath(new URL('../public', import.meta.url)),
}

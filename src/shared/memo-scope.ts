/**
 * Values an earlier run worked out, by key, for the code under way to reuse,
 * and those it used, to keep for the next run: one file's render at a time
 * (the build's render-pool.ts runOne gives an edit's file its code blocks as
 * last highlighted and its dates' zone parts). Each value must be a pure
 * function of its key, so the result is the same either way. Outside a run
 * nothing is looked up or remembered: a long-lived thread keeps nothing.
 */
export class MemoScope<V> {
  private given: Map<string, V> | undefined
  private made: Map<string, V> | undefined

  /** Whether a run is under way (a caller may skip making a key otherwise). */
  get active(): boolean {
    return this.given !== undefined || this.made !== undefined
  }

  /** `fn()` with the `known` values, and, when `keep`, every value it used, in the order first used. */
  run<T>(known: ReadonlyArray<[string, V]> | undefined, keep: boolean, fn: () => T): { value: T; made?: Array<[string, V]> } {
    this.given = known && new Map(known)
    this.made = keep ? new Map() : undefined
    try {
      const value = fn()
      return this.made ? { value, made: [...this.made] } : { value }
    } finally {
      this.given = this.made = undefined
    }
  }

  /** `key`'s value as given, else `compute()`'s; noted as used when the run keeps them. */
  get(key: string, compute: () => V): V {
    const value = this.given?.get(key) ?? compute()
    this.made?.set(key, value)
    return value
  }
}

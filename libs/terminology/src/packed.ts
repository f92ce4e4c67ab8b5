/**
 * Many strings kept as one. Strings cut from a larger one (a line of COPY output) may share its
 * memory in the JavaScript engine, so keeping a term would keep its whole chunk of input alive;
 * joining them copies them out, and one string with offsets is smaller than millions of strings.
 */
export class PackedStrings {
  private constructor(
    private readonly text: string,
    private readonly starts: Uint32Array
  ) {}

  static from(pieces: ReadonlyArray<string>) {
    const starts = new Uint32Array(pieces.length + 1)
    for (let i = 0; i < pieces.length; i++) starts[i + 1] = starts[i]! + pieces[i]!.length
    return new PackedStrings(pieces.join(""), starts)
  }

  get length() {
    return this.starts.length - 1
  }

  lengthOf(index: number) {
    return this.starts[index + 1]! - this.starts[index]!
  }

  get(index: number) {
    return this.text.slice(this.starts[index]!, this.starts[index + 1]!)
  }

  /** The strings containing `fragment`, ascending: one search through the joined text, not a string per piece. */
  containing(fragment: string): Array<number> {
    const found: Array<number> = []
    if (fragment.length === 0) return found
    const { text, starts } = this
    for (let at = text.indexOf(fragment); at !== -1;) {
      // The piece the occurrence starts in: the last start at or before it.
      let low = 0
      let high = starts.length - 2
      while (low < high) {
        const middle = (low + high + 1) >>> 1
        if (starts[middle]! <= at) low = middle
        else high = middle - 1
      }
      const end = starts[low + 1]!
      if (at + fragment.length <= end) {
        found.push(low)
        at = text.indexOf(fragment, end)
      } else at = text.indexOf(fragment, at + 1)
    }
    return found
  }
}

/**
 * Many lists of numbers kept as one (compressed sparse rows: list n is `values[starts[n]]` up to
 * `values[starts[n + 1]]`): typed arrays instead of an array per list, so an index holding them
 * is written and read as raw bytes and shared between threads.
 */
export class PackedLists {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly values: Uint32Array
  ) {}

  static from(lists: ReadonlyArray<ArrayLike<number>>) {
    const starts = new Uint32Array(lists.length + 1)
    for (let i = 0; i < lists.length; i++) starts[i + 1] = starts[i]! + lists[i]!.length
    const values = new Uint32Array(starts[lists.length]!)
    for (let i = 0; i < lists.length; i++) values.set(lists[i]!, starts[i]!)
    return new PackedLists(starts, values)
  }

  get length() {
    return this.starts.length - 1
  }

  /** List `index`, a view: no copy. */
  get(index: number) {
    return this.values.subarray(this.starts[index]!, this.starts[index + 1]!)
  }
}

/** A copy of `value` that shares no memory with the string it was cut from. */
export const detached = (value: string) => ` ${value}`.slice(1)

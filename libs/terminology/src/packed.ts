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

/** Compressed sparse rows: the neighbours of node n are targets[starts[n]..starts[n+1]). */
export interface Adjacency {
  readonly starts: Uint32Array
  readonly targets: Uint32Array
}

export const neighbours = (graph: Adjacency, node: number) => graph.targets.subarray(graph.starts[node]!, graph.starts[node + 1]!)

/** Adjacency lists from edges, for `nodeCount` nodes; each node's targets in the edges' order. */
export const adjacency = (nodeCount: number, from: ArrayLike<number>, to: ArrayLike<number>): Adjacency => {
  const starts = new Uint32Array(nodeCount + 1)
  for (let i = 0; i < from.length; i++) starts[from[i]! + 1]!++
  for (let node = 0; node < nodeCount; node++) starts[node + 1]! += starts[node]!
  const fill = starts.slice(0, nodeCount)
  const targets = new Uint32Array(from.length)
  for (let i = 0; i < from.length; i++) targets[fill[from[i]!]!++] = to[i]!
  return { starts, targets }
}

/** Adjacency lists packed from one list of targets per node. */
export const adjacencyOfLists = (lists: ReadonlyArray<ArrayLike<number>>): Adjacency => {
  const starts = new Uint32Array(lists.length + 1)
  for (let node = 0; node < lists.length; node++) starts[node + 1] = starts[node]! + lists[node]!.length
  const targets = new Uint32Array(starts[lists.length]!)
  for (let node = 0; node < lists.length; node++) targets.set(lists[node]!, starts[node]!)
  return { starts, targets }
}

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
}

/** A copy of `value` that shares no memory with the string it was cut from. */
export const detached = (value: string) => ` ${value}`.slice(1)

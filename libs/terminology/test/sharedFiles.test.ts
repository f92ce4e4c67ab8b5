/**
 * Index files shared between threads: a thread that reads through another gets that thread's
 * bytes, in memory both see, and the errors of a file it cannot read; one thread at a time holds a
 * file's lock, so an index is built once. The two ends of the message port are in this one thread
 * here; the server test runs them across real threads.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MessageChannel } from "node:worker_threads"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { cachedIndex, readFilesThrough, shareFilesWith, type IndexCacheFormat } from "../src/index"
import { holdFile, readSharedFile } from "../src/sharedFiles"

const folder = mkdtempSync(join(tmpdir(), "ffynnon-shared-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe("shared index files", () => {
  const { port1, port2 } = new MessageChannel()
  shareFilesWith(port1)
  readFilesThrough(port2)

  it("gives every reader of a file the same bytes in shared memory, read once", async () => {
    const path = join(folder, "index")
    writeFileSync(path, "FFYNIDX1 shared bytes")
    const first = await readSharedFile(path)
    const second = await readSharedFile(path)
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(new TextDecoder().decode(second)).toBe("FFYNIDX1 shared bytes")
    // One copy: a change through one view shows through the other.
    first[0] = "f".charCodeAt(0)
    expect(String.fromCharCode(second[0]!)).toBe("f")
  })

  it("reads a file again once it has changed", async () => {
    const path = join(folder, "changing")
    writeFileSync(path, "first")
    expect(new TextDecoder().decode(await readSharedFile(path))).toBe("first")
    writeFileSync(path, "second, longer")
    utimesSync(path, new Date(), new Date(Date.now() + 5_000))
    expect(new TextDecoder().decode(await readSharedFile(path))).toBe("second, longer")
  })

  it("fails with the reading thread's error for a file that is not there", async () => {
    await expect(readSharedFile(join(folder, "missing"))).rejects.toThrow(/ENOENT|no such file/)
  })

  it("grants a file's lock to one holder at a time, in turn, and lets a waiter give up its place", async () => {
    const path = join(folder, "locked")
    const order: Array<string> = []
    const first = holdFile(path)
    const second = holdFile(path)
    const third = holdFile(path)
    void second.granted.then(() => order.push("second"))
    void third.granted.then(() => order.push("third"))
    await first.granted
    order.push("first")
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(order).toEqual(["first"])
    // The second gives up waiting: the third comes next when the first releases.
    second.release()
    first.release()
    await third.granted
    expect(order).toEqual(["first", "third"])
    third.release()
    const again = holdFile(path)
    await again.granted
    again.release()
  })

  it("builds an index once when several ask for it at the same time, the others reading what was written", async () => {
    const format: IndexCacheFormat = { format: 1, classes: {} }
    const path = join(folder, "built.index")
    let builds = 0
    const build = Effect.promise(async () => {
      builds++
      await new Promise((resolve) => setTimeout(resolve, 30))
      return { concepts: new Uint32Array([1, 2, 3]), name: "built" }
    })
    const indexes = await Effect.runPromise(
      Effect.all(
        Array.from({ length: 3 }, () => cachedIndex(format, path, build, () => true)),
        { concurrency: "unbounded" }
      )
    )
    expect(builds).toBe(1)
    // This thread reads through another, so even the builder serves the shared copy it wrote.
    for (const index of indexes) {
      expect(index.name).toBe("built")
      expect([...index.concepts]).toEqual([1, 2, 3])
      expect(index.concepts.buffer).toBeInstanceOf(SharedArrayBuffer)
    }
  })
})

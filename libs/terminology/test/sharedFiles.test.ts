/**
 * Index files shared between threads: a thread that reads through another gets that thread's
 * bytes, in memory both see, and the errors of a file it cannot read. The two ends of the message
 * port are in this one thread here; the server test runs them across real threads.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MessageChannel } from "node:worker_threads"
import { afterAll, describe, expect, it } from "vitest"
import { readFilesThrough, shareFilesWith } from "../src/index"
import { readSharedFile } from "../src/sharedFiles"

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
})

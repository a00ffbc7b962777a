// File uploads (/examples/uploads: live.AllowUpload, FileInput, consume,
// cancel, external uploads) with the real phoenix_live_view client of one
// line (E2E_CLIENT_LINE) in Chromium, against the Go server the test
// started (cmd/server/uploads_e2e_test.go), over WebSocket, then LongPoll.
// Files are picked with setInputFiles and dropped with a DataTransfer drop
// event; the consumed list must show each file's real size and SHA-256.
// Each page records every data-progress value entries go through.
//
// Control server: POST /phase and /check as for features_browser.mjs,
// GET /uploads for the files in the server's UPLOAD_DIR and crashes.
import { createHash, randomBytes } from "node:crypto"

import { assert, control, env, launchBrowser, run, test, waitFor } from "./lib.mjs"
import { Live } from "./live_lib.mjs"

const base = env("E2E_URL")
const line = env("E2E_CLIENT_LINE")
const vsn = env("E2E_CLIENT_VSN")
const autoMax = Number(env("E2E_AUTO_MAX_SIZE"))

const browser = await launchBrowser()
const live = new Live(browser, { base, vsn })
const consoleProblems = []

const sha = (buf) => createHash("sha256").update(buf).digest("hex")
const file = (name, mimeType, buffer) => ({ name, mimeType, buffer })

async function open(transport, name) {
  const p = await live.open(transport, name, "/examples/uploads")
  p.page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && !m.text().startsWith("Failed to load resource")) {
      consoleProblems.push(`[${name}] console.${m.type()}: ${m.text()}`)
    }
  })
  await p.page.evaluate(() => {
    const errs = (window.__uploadErrors = [])
    const noteErr = (el) => el.classList?.contains("upload-error") && errs.push(el.textContent.trim())
    const seen = (window.__progress = {})
    const note = (el) => {
      if (!el.dataset || el.dataset.progress == null || !el.dataset.name) return
      const seq = (seen[el.dataset.name] ??= [])
      const v = Number(el.dataset.progress)
      if (seq[seq.length - 1] !== v) seq.push(v)
    }
    document.querySelectorAll("[data-progress]").forEach(note)
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") note(r.target)
        for (const n of r.addedNodes || []) {
          if (n.nodeType !== 1) continue
          ;[n, ...n.querySelectorAll("[data-progress]")].forEach(note)
          ;[n, ...n.querySelectorAll(".upload-error")].forEach(noteErr)
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-progress"] })
    document.querySelectorAll(".upload-error").forEach(noteErr)
  })
  const snap = await control.post(`/check?name=${transport}`)
  const [mine, theirs] = transport === "websocket" ? [snap.WebSockets, snap.LongPollSessions] : [snap.LongPollSessions, snap.WebSockets]
  assert.ok(mine > 0 && theirs === 0, `server gauges during the ${transport} run: ${JSON.stringify(snap)}`)
  return p
}

// consumed is the consumed list as [name, size, sha] triples.
const consumed = (p) =>
  p.page.$$eval("#consumed li", (els) => els.map((e) => [e.dataset.name, Number(e.dataset.size), e.dataset.sha256]))

// expectConsumed waits until the consumed list holds want, in any order
// (files uploading together finish in any order).
async function expectConsumed(p, want) {
  let last
  const key = (list) => JSON.stringify([...list].sort((x, y) => (x[0] < y[0] ? -1 : 1)))
  try {
    await waitFor("the consumed list", async () => key((last = await consumed(p))) === key(want), { timeout: 15000 })
  } catch (e) {
    assert.fail(`consumed ${JSON.stringify(last)}, want ${JSON.stringify(want)} (${e.message})`)
  }
  // Each line shows the size and hash as text too.
  const texts = await p.page.$$eval("#consumed li", (els) => els.map((e) => e.textContent.replace(/\s+/g, " ").trim()))
  for (const [name, size, hash] of want) {
    assert.ok(texts.some((t) => t.includes(`${name}, ${size} bytes, SHA-256 ${hash}`)), `${name} in ${JSON.stringify(texts)}`)
  }
}

// closePage closes the page's context; after a WebSocket page it waits
// until the server has dropped the socket, so that the LongPoll run's
// gauges count only its own.
async function closePage(p) {
  await p.page.context().close()
  if (p.transport !== "websocket") return
  await waitFor("the server to drop the closed page's WebSocket", async () => (await control.get("/stats")).socket.WebSockets === 0, {
    timeout: 15000,
  })
}

const tempFiles = async () => (await control.get("/uploads")).files
const waitNoTempFiles = () => waitFor("an empty upload dir", async () => (await tempFiles()) === 0, { timeout: 10000 })
const progress = (p) => p.page.evaluate(() => window.__progress)

for (const transport of ["websocket", "longpoll"]) {
  const label = `${line}/${transport}`

  test(`${label}: auto and manual uploads, errors, cancel, consume`, async () => {
    await control.post(`/phase?name=${transport}`)
    const p = await open(transport, `${label}-main`)
    const want = []

    // Auto upload: two good files upload and are consumed at once; the
    // too-large one stays with its error until cancelled.
    const notes = Buffer.from("golive uploads\n".repeat(3000)) // 45 000 bytes, 3 chunks
    const pic = randomBytes(5000)
    const big = randomBytes(autoMax + 1)
    await p.page.setInputFiles("#auto-section input[type=file]", [
      file("notes.txt", "text/plain", notes),
      file("pic.png", "image/png", pic),
      file("big.png", "image/png", big),
    ])
    await p.expectText("#entries-auto li[data-name='big.png'] .entry-error", "File too large")
    // Its preview: the client's LiveImgPreview hook sets the <img>'s src
    // to the selected file.
    await waitFor("big.png's preview src", async () =>
      ((await p.page.getAttribute("#entries-auto li[data-name='big.png'] img.preview[data-phx-hook='Phoenix.LiveImgPreview']", "src")) || "").startsWith("blob:"))
    want.push(["notes.txt", notes.length, sha(notes)], ["pic.png", pic.length, sha(pic)])
    await expectConsumed(p, want)
    const seen = (await progress(p))["notes.txt"]
    assert.ok(seen.some((v) => v > 0 && v < 100), `notes.txt progress went through ${JSON.stringify(seen)}`)
    await p.page.click("#entries-auto li[data-name='big.png'] .cancel")
    await p.expectCount("#entries-auto li", 0)

    // A refused type.
    await p.page.setInputFiles("#auto-section input[type=file]", [file("tool.exe", "application/x-msdownload", Buffer.from("MZ"))])
    await p.expectText("#entries-auto li[data-name='tool.exe'] .entry-error", "File type not accepted")
    await p.page.click("#entries-auto li[data-name='tool.exe'] .cancel")
    await p.expectCount("#entries-auto li", 0)

    // Too many: the first three upload, the fourth waits with the error.
    const four = [1, 2, 3, 4].map((i) => file(`n${i}.txt`, "text/plain", Buffer.from(`file ${i}\n`.repeat(i * 10))))
    await p.page.setInputFiles("#auto-section input[type=file]", four)
    // The error shows until the first three are consumed (then three
    // entries are no longer too many), so look at what was rendered.
    await waitFor("the too-many error", () => p.page.evaluate(() => window.__uploadErrors.includes("Too many files selected")))
    for (const f of four.slice(0, 3)) want.push([f.name, f.buffer.length, sha(f.buffer)])
    await expectConsumed(p, want)
    await p.expectCount("#entries-auto li", 1)
    await p.page.click("#entries-auto li[data-name='n4.txt'] .cancel")
    await p.expectCount("#entries-auto li", 0)
    await p.expectCount("#errors-auto", 0)

    // Manual: pick two, cancel one, submit: only the other is consumed.
    const a = randomBytes(300_000) // 5 chunks of 64 000
    const b = randomBytes(1000)
    await p.page.setInputFiles("#manual-section input[type=file]", [file("a.bin", "application/octet-stream", a), file("b.bin", "application/octet-stream", b)])
    await p.expectCount("#entries-manual li", 2)
    await p.expectText("#entries-manual li[data-name='a.bin'] .name", "a.bin")
    assert.equal(await p.page.$eval("#entries-manual li[data-name='a.bin']", (el) => el.dataset.progress), "0")
    await p.page.click("#entries-manual li[data-name='b.bin'] .cancel")
    await p.expectCount("#entries-manual li", 1)
    await p.page.click("#manual-save")
    want.push(["a.bin", a.length, sha(a)])
    await expectConsumed(p, want)
    const aSeen = (await progress(p))["a.bin"]
    // The 1.0 client gets a manual upload's progress only with the
    // submit's reply: it throws on patches of a form it locked for the
    // submit (the server defers those diffs), so only 1.1+ see it move.
    if (line !== "1.0") {
      assert.ok(aSeen.includes(100) && aSeen.some((v) => v > 0 && v < 100), `a.bin progress went through ${JSON.stringify(aSeen)}`)
    }
    await p.expectCount("#entries-manual li", 0)
    await waitNoTempFiles()
    await closePage(p)
  }, { timeout: 60000 })

  test(`${label}: drag and drop, external upload`, async () => {
    const p = await open(transport, `${label}-drop`)
    const want = []
    const dropped = "dropped onto the target\n".repeat(100)
    await p.page.evaluate((text) => {
      const dt = new DataTransfer()
      dt.items.add(new File([text], "dropped.txt", { type: "text/plain" }))
      const target = document.getElementById("auto-drop")
      target.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }))
      target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }))
    }, dropped)
    want.push(["dropped.txt", Buffer.byteLength(dropped), sha(Buffer.from(dropped))])
    await expectConsumed(p, want)

    // External: the PutUpload uploader PUTs to the presigned URL.
    const ext = randomBytes(50_000)
    await p.page.setInputFiles("#external-section input[type=file]", [file("ext.bin", "application/octet-stream", ext)])
    want.push(["ext.bin", ext.length, sha(ext)])
    await expectConsumed(p, want)
    assert.equal(await tempFiles(), 0, "external uploads leave no temp file")

    await control.post(`/check?name=${transport}`)
    await closePage(p)
    assert.equal((await control.get("/uploads")).crashes, 0)
  }, { timeout: 60000 })
}

test(`${line}: no console errors or warnings`, () => {
  assert.deepEqual(consoleProblems, [])
})

await run()

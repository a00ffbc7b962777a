// Replays rendered trees and diffs through the real phoenix_live_view
// client's own merging code (Rendered in rendered.js), per client line, and
// compares the HTML it builds with the HTML the server expected.
//
//   node assets/e2e/rendered_replay.mjs FILE [--max-failures N]
//
// FILE holds JSON lines, one sequence each:
//
//   {"name": "...", "line": "1.0" | "1.1" | "1.2",
//    "join": <rendered of the join reply>, "html": "<expected HTML after join>",
//    "steps": [{"diff": <diff> | null, "html": "<expected HTML after it>"}, ...]}
//
// plus any other members (seed, data), which are echoed back in failures.
// For each sequence it builds `new Rendered(viewId, join)` (after
// `Rendered.extract`, as View does with every payload), merges each non-null
// diff with `mergeDiff`, and compares `toString()` with the expected HTML.
// A null diff means "the server sends nothing": the HTML must not change.
//
// The HTML is compared byte for byte, with no normalisation: the client adds
// attributes (data-phx-id magic ids, data-phx-skip, data-phx-component) only
// on nodes marked "r": 1 and on components, so a tree without those must come
// out exactly as the server rendered it.
//
// rendered.js uses extensionless imports (and .ts files in 1.2), so it is
// bundled per line with esbuild's JS API into a temporary directory first
// (about 20 ms a line). The packages are those of assets/package.json:
// phoenix_live_view_1_0 (1.0.x), phoenix_live_view_1_1 (1.1.x),
// phoenix_live_view (1.2.x).
//
// Output: one JSON object on stdout,
//   {"lines": {"1.0": {"version", "sequences", "steps", "diffs"}, ...},
//    "failures": [{name, line, seed?, step, diff, prev, want, got, error?}, ...]}
// where step is -1 for the join. Exit status 0 if nothing failed, 1 on a
// mismatch, 2 on a usage or set-up error.
import * as esbuild from "esbuild"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const nodeModules = path.resolve(here, "..", "node_modules")

export const packages = {
  "1.0": "phoenix_live_view_1_0",
  "1.1": "phoenix_live_view_1_1",
  "1.2": "phoenix_live_view",
}

// The minimal browser globals rendered.js touches outside of rendering:
// `"structuredClone" in window` (keyed merges, 1.1+) and
// window.dispatchEvent (1.2 diagnostics, on errors only).
function installGlobals() {
  if (globalThis.window === undefined) globalThis.window = globalThis
  if (typeof globalThis.dispatchEvent !== "function") globalThis.dispatchEvent = () => true
}

// bundle builds rendered.js of one line into dir and imports it.
export async function loadRendered(line, dir) {
  const pkg = packages[line]
  if (!pkg) throw new Error(`unknown client line ${JSON.stringify(line)}`)
  const src = path.join(nodeModules, pkg, "assets", "js", "phoenix_live_view", "rendered.js")
  const version = JSON.parse(readFileSync(path.join(nodeModules, pkg, "package.json"), "utf8")).version
  const outfile = path.join(dir, `rendered-${line}.mjs`)
  await esbuild.build({
    stdin: {
      contents: `export { default as Rendered } from ${JSON.stringify(src)}`,
      resolveDir: dir,
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile,
    logLevel: "error",
  })
  installGlobals()
  const mod = await import(pathToFileURL(outfile).href)
  return { Rendered: mod.Rendered, version }
}

// html takes the string out of toString(): [html, streams] in 1.0,
// {buffer, streams} in 1.1 and 1.2.
function html(rendered) {
  const out = rendered.toString()
  if (Array.isArray(out)) return out[0]
  if (out && typeof out.buffer === "string") return out.buffer
  throw new Error(`unexpected toString() result ${typeof out}`)
}

// merge applies one diff the way View.update does: extract title, events
// and reply, then mergeDiff.
function merge(rendered, Rendered, diff) {
  const { diff: d } = Rendered.extract(diff)
  rendered.mergeDiff(d)
}

function replay(seq, Rendered, maxFailures, failures) {
  const fail = (step, diff, prev, got, error) => {
    const { join: _j, steps: _s, html: _h, ...meta } = seq
    failures.push({
      ...meta,
      step,
      diff: diff === undefined ? null : JSON.stringify(diff),
      prev,
      want: step < 0 ? seq.html : seq.steps[step].html,
      got,
      ...(error ? { error: String(error && error.stack ? error.stack : error) } : {}),
    })
    return failures.length >= maxFailures
  }
  let rendered
  let cur
  try {
    const { diff: join } = Rendered.extract(structuredClone(seq.join))
    rendered = new Rendered("phx-difftest", join)
    cur = html(rendered)
  } catch (e) {
    fail(-1, seq.join, null, null, e)
    return 0
  }
  if (seq.html !== undefined && cur !== seq.html) {
    fail(-1, seq.join, null, cur)
    return 0
  }
  let diffs = 0
  for (let i = 0; i < seq.steps.length; i++) {
    const { diff, html: want } = seq.steps[i]
    const prev = cur
    try {
      if (diff !== null && diff !== undefined) {
        diffs++
        merge(rendered, Rendered, structuredClone(diff))
      }
      cur = html(rendered)
    } catch (e) {
      fail(i, diff, prev, null, e)
      return diffs
    }
    if (cur !== want) {
      fail(i, diff, prev, cur)
      return diffs
    }
  }
  return diffs
}

async function main(argv) {
  let file
  let maxFailures = 5
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--max-failures") maxFailures = Number(argv[++i])
    else if (file === undefined) file = argv[i]
    else throw new Error(`unexpected argument ${argv[i]}`)
  }
  if (!file) throw new Error("usage: node rendered_replay.mjs FILE [--max-failures N]")
  const seqs = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l)
      } catch (e) {
        throw new Error(`${file}:${i + 1}: ${e.message}`)
      }
    })
  const dir = mkdtempSync(path.join(tmpdir(), "rendered-replay-"))
  const lines = {}
  const failures = []
  try {
    const mods = {}
    for (const seq of seqs) {
      if (failures.length >= maxFailures) break
      const line = seq.line
      if (!mods[line]) {
        mods[line] = await loadRendered(line, dir)
        lines[line] = { version: mods[line].version, sequences: 0, steps: 0, diffs: 0 }
      }
      const stats = lines[line]
      stats.sequences++
      stats.steps += seq.steps.length
      stats.diffs += replay(seq, mods[line].Rendered, maxFailures, failures)
    }
  } finally {
    await esbuild.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  writeFileSync(1, JSON.stringify({ lines, failures }) + "\n")
  return failures.length === 0 ? 0 : 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // The client logs its own errors with console.error; keep stdout for the
  // result and let them through on stderr.
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`rendered_replay: ${e && e.stack ? e.stack : e}\n`)
      process.exit(2)
    },
  )
}

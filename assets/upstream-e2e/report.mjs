// Writes the per-file table of the upstream suite's results into
// docs/UPSTREAM-SUITE.md (between the "results" markers), from
// Playwright's JSON reports: the list of every spec file's tests
// (--list, all files) and the runs of the ported ones (one report per run:
// the shared run and the files run alone).
//   node report.mjs <list.json> <results.json>... <UPSTREAM-SUITE.md>
// Exits 1 when a test that ran did not pass, unless known-failures.txt
// lists it (with the reason it fails here); a listed test that passes
// fails the run too, so that the list only ever holds real failures.
import { readFileSync, writeFileSync } from "node:fs"

const args = process.argv.slice(2)
const [listFile, docFile, resultsFiles] = [args[0], args[args.length - 1], args.slice(1, -1)]
const list = JSON.parse(readFileSync(listFile, "utf8"))
const results = { suites: resultsFiles.flatMap((f) => JSON.parse(readFileSync(f, "utf8")).suites || []) }

// tests walks nested suites (describe blocks) for every test of every spec.
function* tests(suite, file) {
  for (const s of suite.suites || []) yield* tests(s, s.file || file)
  for (const spec of suite.specs || []) for (const t of spec.tests) yield { file: spec.file || file, title: spec.title, t }
}

// known-failures.txt: "<file> :: <test title> :: <reason>" per line.
const known = new Map()
for (const line of readFileSync(new URL("known-failures.txt", import.meta.url), "utf8").split("\n")) {
  if (!line.trim() || line.startsWith("#")) continue
  const [file, title, reason] = line.split(" :: ").map((x) => x.trim())
  known.set(`${file} :: ${title}`, reason)
}
// skips.txt: tests not run (not the server's), same format.
const skips = new Map()
for (const line of readFileSync(new URL("skips.txt", import.meta.url), "utf8").split("\n")) {
  if (!line.trim() || line.startsWith("#")) continue
  const [file, title, reason] = line.split(" :: ").map((x) => x.trim())
  skips.set(`${file} :: ${title}`, reason)
}
const unexpected = []
const seenKnown = new Set()

const flaky = []
const files = new Map() // file -> {total, ran, passed, failed, skipped, failures[], titles}
for (const s of list.suites) {
  for (const { file, title } of tests(s, s.file)) {
    if (!files.has(file)) files.set(file, { total: 0, ran: false, passed: 0, failed: 0, skipped: 0, failures: [], titles: [] })
    files.get(file).total++
    files.get(file).titles.push(title)
  }
}
const ranTitles = new Set()
for (const s of results.suites) {
  for (const { file, title, t } of tests(s, s.file)) {
    const f = files.get(file)
    f.ran = true
    ranTitles.add(`${file} :: ${title}`)
    const last = t.results[t.results.length - 1]
    const status = last ? last.status : "skipped"
    if (status === "passed") {
      f.passed++
      // Passed on the one retry the config allows: counted as passed and
      // named in the output (not in the table: CI checks the committed
      // table against its own run, and which test needs a retry varies).
      if (t.results.length > 1) flaky.push(`${file} :: ${title}`)
    }    else if (status === "skipped") f.skipped++
    else {
      f.failed++
      const key = `${file} :: ${title}`
      if (known.has(key)) {
        seenKnown.add(key)
        f.failures.push(`"${title}" (known: ${known.get(key)})`)
      } else {
        unexpected.push(key)
        f.failures.push(`"${title}"`)
      }
    }
  }
}

// Tests of a file that ran but were not run themselves: skipped, and only
// as skips.txt says.
for (const [file, f] of files) {
  if (!f.ran) continue
  for (const title of f.titles) {
    const key = `${file} :: ${title}`
    if (ranTitles.has(key)) continue
    f.skipped++
    if (skips.has(key)) f.failures.push(`skipped "${title}": ${skips.get(key)}`)
    else unexpected.push(`${key} (not run, and not in skips.txt)`)
  }
}

const sum = (k) => [...files.values()].reduce((n, f) => n + (typeof k === "function" ? k(f) : f[k]), 0)
const rows = [...files].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
let md = `| spec file | tests | passed | failed | skipped | state |\n|---|---:|---:|---:|---:|---|\n`
for (const [file, f] of rows) {
  const state = !f.ran
    ? "support view not ported yet: not run"
    : f.failed
      ? `failing: ${f.failures.join("; ")}`
      : f.skipped
        ? `green; ${f.failures.join("; ")}`
        : "green"
  md += `| ${file} | ${f.total} | ${f.ran ? f.passed : "–"} | ${f.ran ? f.failed : "–"} | ${f.ran ? f.skipped : "–"} | ${state} |\n`
}
const ranFiles = rows.filter(([, f]) => f.ran).length
md += `| **all ${rows.length} files** | **${sum("total")}** | **${sum("passed")}** | **${sum("failed")}** | **${sum("skipped")}** | ${ranFiles} files run, ${rows.length - ranFiles} not ported yet (${sum((f) => (f.ran ? 0 : f.total))} tests not run) |\n`

const doc = readFileSync(docFile, "utf8")
const begin = "<!-- results: written by make e2e-upstream -->"
const end = "<!-- end of results -->"
const i = doc.indexOf(begin)
const j = doc.indexOf(end)
if (i < 0 || j < i) throw new Error(`${docFile}: the results markers are missing`)
writeFileSync(docFile, doc.slice(0, i + begin.length) + "\n" + md + doc.slice(j))
console.log(`upstream suite: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped in ${ranFiles} of ${rows.length} files; ${sum((f) => (f.ran ? 0 : f.total))} tests in files not ported yet`)
for (const key of flaky) console.log(`FLAKY (failed, then passed on retry): ${key}`)
for (const key of unexpected) console.log(`FAILED (not a known failure): ${key}`)
const fixed = [...known.keys()].filter((k) => !seenKnown.has(k) && files.get(k.split(" :: ")[0])?.ran)
for (const key of fixed) console.log(`PASSED but listed in known-failures.txt (remove it): ${key}`)
process.exit(unexpected.length || fixed.length ? 1 : 0)

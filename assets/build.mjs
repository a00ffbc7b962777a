// Builds the browser bundles with esbuild from the npm packages.
//
// app.js ships phoenix_live_view 1.2 (the default client line). The 1.1 and
// 1.0 variants exist so the end-to-end tests can drive every client line the
// server supports; the server picks the encoding from the version the bundle
// reports in the socket params.
import * as esbuild from "esbuild"
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"

const lines = {
  "": "phoenix_live_view",
  "-1.1": "phoenix_live_view_1_1",
  "-1.0": "phoenix_live_view_1_0",
}

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  format: "iife",
  logLevel: "warning",
}

const builds = []
for (const [suffix, pkg] of Object.entries(lines)) {
  const version = JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")).version
  builds.push(esbuild.build({
    ...common,
    entryPoints: ["js/app.js"],
    outfile: `dist/app${suffix}.js`,
    alias: { "phoenix_live_view": pkg },
    define: { __LV_VERSION__: JSON.stringify(version) },
  }))
}
builds.push(esbuild.build({ ...common, entryPoints: ["js/phoenix_global.js"], outfile: "dist/phoenix.js" }))
// The stylesheet: Tailwind CSS v4, built by its CLI from npm (@tailwindcss/cli,
// whose native scanner ships inside the npm packages): css/app.css, with the
// @source globs it names (the movies pages' templates), → dist/app.css.
builds.push(new Promise((resolve, reject) => {
  const cli = "node_modules/@tailwindcss/cli/dist/index.mjs"
  const p = spawn(process.execPath, [cli, "--input", "css/app.css", "--output", "dist/app.css", "--minify"], {
    stdio: ["ignore", "pipe", "pipe"],
  })
  let out = ""
  p.stdout.on("data", (d) => (out += d))
  p.stderr.on("data", (d) => (out += d))
  p.on("error", reject)
  p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`tailwindcss exited with ${code}:\n${out}`))))
}))
await Promise.all(builds)

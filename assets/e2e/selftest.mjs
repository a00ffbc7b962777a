// Checks lib.mjs itself (run by internal/e2e's tests): the runner's
// summary and exit code, waitFor, cleanups, the deadline.
//
// E2E_SELFTEST_FAIL=1 adds a failing test; E2E_SELFTEST_HANG=1 a test that
// never ends, so the deadline must stop the script.
import { assert, onCleanup, run, test, waitFor } from "./lib.mjs"

onCleanup(() => console.log("cleanup ran"))

test("waitFor returns the first truthy value", async () => {
  let n = 0
  const v = await waitFor("n to reach 3", () => (++n >= 3 ? n : 0), { interval: 1 })
  assert.equal(v, 3)
})

test("waitFor times out naming what it waited for", async () => {
  await assert.rejects(
    waitFor("something that never happens", () => false, { timeout: 50 }),
    /timed out after 50 ms waiting for something that never happens/,
  )
})

if (process.env.E2E_SELFTEST_FAIL === "1") {
  test("fails on purpose", () => assert.equal(1, 2))
}
if (process.env.E2E_SELFTEST_HANG === "1") {
  test("hangs on purpose", () => new Promise(() => {}), { timeout: 600000 })
}
test("skipped", () => {}, { skip: "on purpose" })

await run()

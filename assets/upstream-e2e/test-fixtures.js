// The specs import { test, expect } from here. Upstream's version adds a
// coverage reporter (monocart) around each test; ours is Playwright's own
// test and expect, nothing added.
export { test, expect } from "@playwright/test"

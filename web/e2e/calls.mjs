// End-to-end test of the console's live calls page in Debian's Chromium,
// driven by playwright-core. Run by crates/switchboard/tests/call_flows.rs
// while SIPp phones hold a call from SB_CALLER to SB_CALLEE that lasts
// until Switchboard ends it:
//
//   SB_URL=http://127.0.0.1:8080 SB_PASSWORD=… SB_SCREENSHOTS=/tmp/shots \
//   SB_CALLER=1001 SB_CALLEE=1002 node web/e2e/calls.mjs
//
// The call must be listed answered, its duration must tick, and the
// administrator hangs it up from the page: it leaves the list, and its
// record says who ended it.

import { logIn, gone, need, see, WAIT, withBrowser } from "./browser.mjs";

const password = need("SB_PASSWORD");
const caller = need("SB_CALLER");
const callee = need("SB_CALLEE");

await withBrowser(async ({ open, screenshot }) => {
  const page = await open("admin");
  await logIn(page, password);
  await page.getByRole("link", { name: "Live calls" }).click();
  await see(page.getByRole("heading", { name: "Live calls" }), "the live calls page");

  const call = page.locator("table.calls tbody tr[data-call]");
  await see(call.filter({ hasText: "answered" }), "the call, answered");
  const cells = await call.first().locator("td").allTextContents();
  if (cells[0] !== caller || cells[1] !== callee) {
    throw new Error(`expected a call from ${caller} to ${callee}, saw ${cells.join(" | ")}`);
  }
  const clock = call.first().locator("td.clock");
  const before = await clock.textContent();
  if (!/^\d+:\d\d$/.test(before)) throw new Error(`duration looks wrong: ${before}`);
  await page.waitForFunction(
    (old) => document.querySelector("table.calls td.clock")?.textContent !== old,
    before,
    { timeout: WAIT },
  );
  await screenshot(page, "live-call");

  await call.first().getByRole("button", { name: "Hang up" }).click();
  await see(call.first().getByText("End this call?"), "the hang-up confirmation");
  await call.first().getByRole("button", { name: "End call" }).click();
  await gone(call, "the call after hanging it up");
  await see(page.getByText("No calls in progress."), "an empty list");
  const record = page.locator("table.records tbody tr[data-record]").first();
  await see(record.filter({ hasText: "hung up by admin" }), "the record saying the admin hung up");
  await see(record.filter({ hasText: "answered" }), "the record of an answered call");
  await screenshot(page, "hung-up");
  console.log("live calls end-to-end: all steps passed");
});

// End-to-end test of the console's recordings in Debian's Chromium,
// driven by playwright-core. Run by crates/switchboard/tests/recording.rs
// once a call from SB_CALLER to SB_CALLEE has been recorded:
//
//   SB_URL=http://127.0.0.1:8080 SB_PASSWORD=… SB_SCREENSHOTS=/tmp/shots \
//   SB_CALLER=1001 SB_CALLEE=1002 node web/e2e/recordings.mjs
//
// The recording must be listed, the browser's player must load its audio
// (a WAV of the call's length), the administrator deletes it from the
// page, and sets SB_CALLEE to record every call from the extension form.

import { logIn, gone, need, see, WAIT, withBrowser } from "./browser.mjs";

const password = need("SB_PASSWORD");
const caller = need("SB_CALLER");
const callee = need("SB_CALLEE");

await withBrowser(async ({ open, screenshot }) => {
  const page = await open("admin");
  await logIn(page, password);
  await page.getByRole("link", { name: "Recordings" }).click();
  await see(page.getByRole("heading", { name: "Recordings" }), "the recordings page");

  const row = page.locator("table.recordings tbody tr[data-recording]");
  await see(row, "the recording");
  const cells = await row.first().locator("td").allTextContents();
  if (cells[1] !== caller || cells[2] !== callee) {
    throw new Error(`expected a recording of ${caller} to ${callee}, saw ${cells.join(" | ")}`);
  }
  // The player loads the file: its length is the call's.
  const seconds = await row.first().locator("audio").evaluate(
    (audio) =>
      new Promise((done, fail) => {
        audio.addEventListener("loadedmetadata", () => done(audio.duration));
        audio.addEventListener("error", () => fail(new Error("the audio did not load")));
        audio.preload = "metadata";
        audio.load();
      }),
  );
  if (!(seconds > 3 && seconds < 20)) throw new Error(`the recording plays ${seconds} s`);
  await screenshot(page, "recording");

  await row.first().getByRole("button", { name: "Delete" }).click();
  await see(row.first().getByText("Delete it?"), "the delete confirmation");
  await row.first().getByRole("button", { name: "Delete" }).click();
  await gone(row, "the recording after deleting it");
  await see(page.getByText("No recordings."), "an empty list");

  await page.getByRole("link", { name: "Extensions" }).click();
  await page.locator(`tr[data-number="${callee}"]`).getByRole("button", { name: "Edit" }).click();
  await see(page.getByRole("heading", { name: `Edit extension ${callee}` }), "the edit form");
  await page.getByLabel("Call recording").selectOption("always");
  await page.getByRole("button", { name: "Save" }).click();
  await gone(page.getByRole("heading", { name: `Edit extension ${callee}` }), "the form after saving");
  await screenshot(page, "recording-policy");
  console.log(`recordings end-to-end: all steps passed (the recording played ${seconds.toFixed(1)} s)`);
});

// End-to-end test of the console's voicemail in Debian's Chromium, driven
// by playwright-core, once a caller has left one message in SB_MAILBOX's
// box (and nothing else is in it):
//
//   SB_URL=http://127.0.0.1:8080 SB_PASSWORD=… SB_SCREENSHOTS=/tmp/shots \
//   SB_MAILBOX=1002 node web/e2e/voicemail.mjs
//
// The message must be listed new, the browser's player must load its
// audio, the administrator saves it (it is then heard) and deletes it from
// the page, and turns do not disturb on for SB_MAILBOX from the extension
// form, which the API then reports, and off again.

import { logIn, gone, need, see, withBrowser } from "./browser.mjs";

const password = need("SB_PASSWORD");
const mailbox = need("SB_MAILBOX");

await withBrowser(async ({ open, screenshot }) => {
  const page = await open("admin");
  await logIn(page, password);
  await page.getByRole("link", { name: "Voicemail" }).click();
  await see(page.getByRole("heading", { name: "Voicemail" }), "the voicemail page");
  // The page opens the first extension's box first; then ours.
  await see(page.locator(".page-head .count"), "the first mailbox");
  await page.getByLabel("Mailbox", { exact: true }).fill(mailbox);
  await page.getByRole("button", { name: "Open" }).click();
  await see(page.locator(".page-head .count", { hasText: `(${mailbox}): 1 new` }), `mailbox ${mailbox} with one new message`);

  const row = page.locator("table.voicemail tbody tr[data-message]");
  await see(row, "the message");
  const rows = await row.count();
  if (rows !== 1) throw new Error(`expected one message in ${mailbox}, saw ${rows}`);
  const state = row.first().locator("td.state");
  if ((await state.textContent()) !== "new") throw new Error(`the message is ${await state.textContent()}, not new`);
  const from = (await row.first().locator("td").nth(1).textContent()).trim();
  // The player loads the file (which does not play it, so it stays new).
  const seconds = await row.first().locator("audio").evaluate(
    (audio) =>
      new Promise((done, fail) => {
        audio.addEventListener("loadedmetadata", () => done(audio.duration));
        audio.addEventListener("error", () => fail(new Error("the audio did not load")));
        audio.preload = "metadata";
        audio.load();
      }),
  );
  if (!(seconds > 1)) throw new Error(`the message plays ${seconds} s`);
  await screenshot(page, "voicemail");

  await row.first().getByRole("button", { name: "Save" }).click();
  await see(state.filter({ hasText: "heard, saved" }), "the message heard and saved");
  await see(page.locator(".page-head .count", { hasText: "0 new, 1 heard" }), "the count after saving");
  await screenshot(page, "voicemail-saved");

  await row.first().getByRole("button", { name: "Delete" }).click();
  await see(row.first().getByText("Delete it?"), "the delete confirmation");
  await row.first().getByRole("button", { name: "Delete" }).click();
  await gone(row, "the message after deleting it");
  await see(page.getByText("No messages."), "an empty mailbox");
  console.log(`voicemail: one message in ${mailbox} from ${from}, ${seconds.toFixed(1)} s, saved, then deleted`);

  const dnd = () =>
    page.evaluate(async (number) => {
      const response = await fetch(`/api/v1/extensions/${number}`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`GET /api/v1/extensions/${number}: ${response.status}`);
      return (await response.json()).dnd;
    }, mailbox);
  const setDnd = async (on) => {
    await page.locator(`tr[data-number="${mailbox}"]`).getByRole("button", { name: "Edit" }).click();
    await see(page.getByRole("heading", { name: `Edit extension ${mailbox}` }), "the edit form");
    await page.getByLabel("Do not disturb").setChecked(on);
    await page.getByRole("button", { name: "Save" }).click();
    await gone(page.getByRole("heading", { name: `Edit extension ${mailbox}` }), "the form after saving");
    if ((await dnd()) !== on) throw new Error(`do not disturb is not ${on ? "on" : "off"} after saving`);
  };
  await page.getByRole("link", { name: "Extensions" }).click();
  await setDnd(true);
  await screenshot(page, "do-not-disturb");
  await setDnd(false);
  console.log("voicemail end-to-end: all steps passed");
});

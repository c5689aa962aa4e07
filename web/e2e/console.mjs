// End-to-end test of the web console in Debian's Chromium, driven by
// playwright-core. Run by crates/switchboard/tests/console.rs against a
// freshly started server; it can be run by hand the same way:
//
//   SB_URL=http://127.0.0.1:8080 SB_PASSWORD=… SB_CLI=target/debug/switchboard \
//   SB_SCREENSHOTS=/tmp/shots SB_SIP=127.0.0.1:5060 \
//   SB_SIPP_REGISTER=crates/switchboard/tests/sipp/register_digest.xml \
//   node web/e2e/console.mjs
//
// A phone is registered with SIPp (which reads only the first digest
// challenge: the server must offer MD5 first).
//
// SB_CLI runs with this process's environment, so SWITCHBOARD_DATA_DIR and
// SWITCHBOARD_DATABASE_URL must name the server's store. Two browser
// sessions are open at once: what one admin (or the CLI) changes, the
// other must see without reloading.

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gone, logIn, need, see, WAIT, withBrowser } from "./browser.mjs";

const password = need("SB_PASSWORD");
const cli = need("SB_CLI");
const sipTarget = need("SB_SIP");
const registerScenario = need("SB_SIPP_REGISTER");

const row = (page, number) => page.locator(`tr[data-number="${number}"]`);

async function fillExtension(page, fields) {
  for (const [label, value] of Object.entries(fields)) {
    await page.locator("form.editor").getByLabel(label, { exact: true }).fill(value);
  }
}

await withBrowser(async ({ open, screenshot, shots }) => {
  // Logging in: a wrong password is refused with the server's words.
  const a = await open("admin A");
  await see(a.getByRole("button", { name: "Log in" }), "the login page");
  await screenshot(a, "login");
  await logIn(a, "not-the-password");
  await see(a.getByRole("alert").filter({ hasText: /wrong|password/i }), "a wrong-password message");
  await logIn(a, password);
  await see(a.getByRole("heading", { name: "Extensions" }), "the extensions page");
  await see(a.getByText("No extensions yet."), "an empty list");
  await see(a.locator('nav a[aria-current="page"]', { hasText: "Extensions" }), "Extensions current in the navigation");
  await see(a.locator("nav .soon", { hasText: "Call queues" }), "sections to come in the navigation");
  await screenshot(a, "extensions-empty");

  // A second administrator, watching.
  const b = await open("admin B");
  await logIn(b, password);
  await see(b.getByText("No extensions yet."), "an empty list for the second admin");

  // Create 1001.
  await a.getByRole("button", { name: "New extension" }).click();
  await fillExtension(a, { Number: "1001", Name: "Reception", Email: "reception@example.com" });
  await screenshot(a, "new-extension-form");
  await a.getByRole("button", { name: "Create" }).click();
  await see(row(a, "1001").getByText("Reception"), "1001 in the list");
  await see(row(b, "1001").getByText("Reception"), "1001 appear live for the second admin");

  // Bad input is refused beside the field at fault.
  await a.getByRole("button", { name: "New extension" }).click();
  await fillExtension(a, { Number: "12a", Name: "Typo" });
  await a.getByRole("button", { name: "Create" }).click();
  await see(a.locator("form.editor .field-error", { hasText: "digits" }), "a number-format error");
  await fillExtension(a, { Number: "1001" });
  await a.getByRole("button", { name: "Create" }).click();
  await see(a.locator("form.editor [role=alert]", { hasText: /1001|taken|exists/i }), "a duplicate-number error");
  await screenshot(a, "duplicate-number");
  await a.getByRole("button", { name: "Cancel" }).click();
  await gone(a.locator("form.editor"), "the form");

  // The secret: hidden, revealed on demand, regenerated.
  const secret = row(a, "1001").locator(".secret .value");
  if ((await secret.textContent()).includes("1001")) throw new Error("secret shown unasked");
  await row(a, "1001").getByRole("button", { name: "Reveal" }).click();
  const first = (await secret.textContent()).trim();
  if (first.length < 16 || first.includes("•")) throw new Error(`revealed secret looks wrong: ${first}`);
  await row(a, "1001").getByRole("button", { name: "Regenerate" }).click();
  await row(a, "1001").getByRole("button", { name: "Confirm new secret" }).click();
  await a.waitForFunction(
    ([selector, old]) => {
      const text = document.querySelector(selector)?.textContent?.trim();
      return text && text !== old && !text.includes("•");
    },
    [`tr[data-number="1001"] .secret .value`, first],
    { timeout: WAIT },
  );
  await screenshot(a, "secret-regenerated");
  const secret1001 = (await secret.textContent()).trim();

  // Edit 1001; the other admin sees the new name.
  await row(a, "1001").getByRole("button", { name: "Edit" }).click();
  await see(a.getByRole("heading", { name: "Edit extension 1001" }), "the edit form");
  await fillExtension(a, { Name: "Front desk" });
  await a.getByRole("button", { name: "Save" }).click();
  await see(row(a, "1001").getByText("Front desk"), "the new name");
  await see(row(b, "1001").getByText("Front desk"), "the new name live for the second admin");

  // A phone registers to 1001: both admins see it appear.
  await see(row(a, "1001").getByText("not registered"), "1001 not registered yet");
  const users = join(shots, "phone.csv");
  writeFileSync(users, `SEQUENTIAL\n1001;${secret1001};3600\n`);
  execFileSync(
    "sipp",
    ["-sf", registerScenario, "-inf", users, "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error", "-i", "127.0.0.1", sipTarget],
    { cwd: shots, stdio: "ignore" },
  );
  await see(row(a, "1001").locator(".phone", { hasText: "SIPp" }), "the registered phone, live");
  await see(row(b, "1001").locator(".phone", { hasText: "UDP" }), "the phone live for the second admin");
  await screenshot(a, "phone-registered");

  // A change made with the CLI shows up live.
  execFileSync(cli, ["extension", "add", "1002", "--name", "Side door"], { stdio: "inherit" });
  await see(row(a, "1002").getByText("Side door"), "1002, added by the CLI, live");
  await see(row(b, "1002").getByText("Side door"), "1002 live for the second admin");
  await screenshot(b, "live-from-cli");

  // Search.
  await a.getByLabel("Search").fill("side");
  await gone(row(a, "1001"), "1001 from a search for 'side'");
  await see(row(a, "1002"), "1002 found by search");
  await a.getByLabel("Search").fill("");
  await see(row(a, "1001"), "1001 back once the search is cleared");

  // Delete 1002, after confirming.
  await row(a, "1002").getByRole("button", { name: "Delete" }).click();
  await row(a, "1002").getByRole("button", { name: "Delete" }).click();
  await gone(row(a, "1002"), "1002 after deleting it");
  await gone(row(b, "1002"), "1002 live for the second admin");
  await see(a.getByText("1–1 of 1"), "the count");

  // A reload keeps the session; logging out ends it.
  await a.reload();
  await see(row(a, "1001"), "1001 after a reload");
  await screenshot(a, "extensions");
  await a.getByRole("button", { name: "Log out" }).click();
  await see(a.getByRole("button", { name: "Log in" }), "the login page after logging out");
  await a.reload();
  await see(a.getByRole("button", { name: "Log in" }), "the login page after a reload");

  console.log("console end-to-end: all steps passed");
});

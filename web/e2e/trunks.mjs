// End-to-end test of the console's phone network pages in Debian's
// Chromium, driven by playwright-core, against a server where extension
// 1001 exists:
//
//   SB_URL=http://127.0.0.1:8080 SB_PASSWORD=… SB_SCREENSHOTS=/tmp/shots \
//   node web/e2e/trunks.mjs
//
// (SB_CHROMIUM names another Chromium than /usr/bin/chromium.) Through the
// forms, the administrator creates trunk provider (127.0.0.1:5080, not
// registering, trusting 127.0.0.1:5080), DID main (+4930123000 to
// extension 1001) and outbound rule national (0[1-9]XXXXXXXX, strip 1,
// prepend +49, through provider). Deleting provider must be refused
// naming outbound rule national; the capacity page must show the
// server's hint about the plan.

import { need, see, withBrowser } from "./browser.mjs";
import { asAdmin, create, destination, openSection, row } from "./forms.mjs";

const password = need("SB_PASSWORD");

try {
  await withBrowser(async ({ open, screenshot }) => {
    const { page, form, field } = await asAdmin(open, password);

    // Trunk provider: trusted by its address, not registering.
    await openSection(page, "SIP trunks");
    await page.getByRole("button", { name: "New trunk" }).click();
    await see(form, "the new trunk form");
    await field("Name").fill("provider");
    await field("Host").fill("127.0.0.1:5080");
    await field("Register with the provider").setChecked(false);
    await field("Allowed addresses").fill("127.0.0.1:5080");
    await screenshot(page, "trunk-form");
    await create(page, form, "trunk");
    await see(row(page, "provider").filter({ hasText: "127.0.0.1:5080" }), "trunk provider at 127.0.0.1:5080");
    await see(row(page, "provider").filter({ hasText: "trusts its addresses" }), "provider trusting its addresses");

    // DID main: +4930123000 to extension 1001.
    await openSection(page, "DIDs");
    await page.getByRole("button", { name: "New DID" }).click();
    await see(form, "the new DID form");
    await field("Name").fill("main");
    await field("Numbers").fill("+4930123000");
    await destination(form, "Calls go to", "extension", "1001");
    await screenshot(page, "did-form");
    await create(page, form, "DID");
    await see(row(page, "main").filter({ hasText: "+4930123000" }), "DID main with +4930123000");
    await see(row(page, "main").filter({ hasText: "Extension 1001" }), "main going to extension 1001");

    // Outbound rule national: 0 and nine digits, as +49 and the nine, through provider.
    await openSection(page, "Outbound rules");
    await page.getByRole("button", { name: "New outbound rule" }).click();
    await see(form, "the new outbound rule form");
    await field("Name").fill("national");
    await field("Patterns").fill("0[1-9]XXXXXXXX");
    await field("Strip (digits)").fill("1");
    await field("Prepend").fill("+49");
    await field("Trunks, in order").fill("provider");
    await screenshot(page, "outbound-rule-form");
    await create(page, form, "outbound rule");
    await see(row(page, "national").filter({ hasText: "0[1-9]XXXXXXXX" }), "rule national with its pattern");
    await see(row(page, "national").filter({ hasText: "strip 1, prepend +49" }), "national's rewriting");
    await see(row(page, "national").locator("td.trunks", { hasText: "provider" }), "national through provider");

    // Provider is still named by national: deleting it is refused, saying so.
    await openSection(page, "SIP trunks");
    await row(page, "provider").getByRole("button", { name: "Delete" }).click();
    await see(row(page, "provider").getByText("Delete provider?"), "the delete confirmation");
    await row(page, "provider").getByRole("button", { name: "Delete" }).click();
    await see(page.locator("p.error[role=alert]", { hasText: /outbound rule national/i }),
      "the refusal naming outbound rule national");
    await see(row(page, "provider"), "trunk provider still listed");
    await screenshot(page, "delete-refused");

    // The capacity report, with the server's hint about the plan.
    await openSection(page, "Capacity");
    await see(page.locator(".capacity .hint", { hasText: /plan/i }), "the capacity hint about the plan");
    await see(page.locator(".capacity .plan", { hasText: /unlimited|external calls at once/ }), "the plan");
    await screenshot(page, "capacity");
    console.log("phone network end-to-end: all steps passed");
  });
} catch (error) {
  console.error(`phone network end-to-end FAILED: ${error.message}`);
  process.exit(1);
}

// End-to-end test of the console's call flows in Debian's Chromium, driven
// by playwright-core, against a server where extensions 1001 and 1002
// exist and the shipped sound ivr-welcome is listed:
//
//   SB_URL=http://127.0.0.1:8080 SB_PASSWORD=… SB_SCREENSHOTS=/tmp/shots \
//   node web/e2e/flows.mjs
//
// Through the forms, the administrator creates ring group sales (600,
// hunting 1001 then 1002, then 1001's voicemail), IVR main (500, key 2 to
// sales) and schedule office (700, weekdays 9 to 5 in Berlin, Christmas
// off, open to main, closed to 1001's voicemail). The Numbers page must
// show 700's chain down to the ring group's voicemail; deleting sales must
// be refused naming ivr main; forcing office closed must show it closed.

import { need, see, withBrowser } from "./browser.mjs";
import { asAdmin, create, destination, openSection, row } from "./forms.mjs";

const password = need("SB_PASSWORD");

try {
  await withBrowser(async ({ open, screenshot }) => {
    const { page, form, field } = await asAdmin(open, password);

    // Ring group sales: 1001 then 1002, then 1001's voicemail.
    await openSection(page, "Ring groups");
    await page.getByRole("button", { name: "New ring group" }).click();
    await see(form, "the new ring group form");
    await field("Name").fill("sales");
    await field("Number").fill("600");
    await field("Strategy").selectOption("hunt");
    await form.getByRole("button", { name: "Add member" }).click();
    await form.getByRole("button", { name: "Add member" }).click();
    await field("Member 1").fill("1001");
    await field("Member 2").fill("1002");
    await destination(form, "When nobody answers", "voicemail", "1001");
    await screenshot(page, "ring-group-form");
    await create(page, form, "ring group");
    await see(row(page, "sales").filter({ hasText: "1001, 1002" }), "ring group sales with members 1001, 1002");
    await see(row(page, "sales").filter({ hasText: "Voicemail 1001" }), "sales going to 1001's voicemail");

    // IVR main: ivr-welcome, key 2 to sales, else hang up.
    await openSection(page, "IVRs");
    await page.getByRole("button", { name: "New IVR" }).click();
    await see(form, "the new IVR form");
    await field("Name").fill("main");
    await field("Number").fill("500");
    await field("Greeting").selectOption("ivr-welcome");
    await form.getByRole("button", { name: "Add option" }).click();
    const option = form.locator("fieldset.options .row").first();
    await option.getByLabel("Key", { exact: true }).selectOption("2");
    await destination(option, "Goes to", "ring_group", "sales");
    await destination(form, "When no key is pressed", "hangup");
    await screenshot(page, "ivr-form");
    await create(page, form, "IVR");
    await see(row(page, "main").filter({ hasText: "2 → Ring group sales" }), "IVR main with key 2 to sales");

    // Schedule office: weekdays 9 to 5 in Berlin, Christmas off.
    await openSection(page, "Schedules");
    await page.getByRole("button", { name: "New schedule" }).click();
    await see(form, "the new schedule form");
    await field("Name").fill("office");
    await field("Number").fill("700");
    await field("Time zone").fill("Europe/Berlin");
    await form.getByRole("button", { name: "Add hours" }).click();
    const hours = form.locator("fieldset.hours .row").first();
    for (const day of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) {
      await hours.getByLabel(day, { exact: true }).setChecked(!["Sat", "Sun"].includes(day));
    }
    await hours.getByLabel("From", { exact: true }).fill("09:00");
    await hours.getByLabel("To", { exact: true }).fill("17:00");
    await form.getByRole("button", { name: "Add holiday" }).click();
    const holiday = form.locator("fieldset.holidays .row").first();
    await holiday.getByLabel("Holiday", { exact: true }).fill("Christmas");
    await holiday.getByLabel("When", { exact: true }).fill("12-25");
    await destination(form, "When open", "ivr", "main");
    await destination(form, "When closed", "voicemail", "1001");
    await screenshot(page, "schedule-form");
    await create(page, form, "schedule");
    await see(row(page, "office").filter({ hasText: "Europe/Berlin" }), "schedule office in Berlin");
    await see(row(page, "office").locator("td.state", { hasText: /^(open|closed|holiday)$/ }), "office's state now");

    // 700's chain, each step below the one it follows.
    await openSection(page, "Numbers");
    await page.locator('tr[data-number="700"]').getByRole("button", { name: "Show the flow" }).click();
    const flow = page.locator(".flow");
    await see(flow.locator(".root", { hasText: "Schedule office" }), "700 going to schedule office");
    const ivr = flow.locator('li[data-destination="ivr:main"]', { hasText: "IVR main" });
    await see(ivr, "IVR main below the schedule");
    const sales = ivr.locator('li[data-destination="ring_group:sales"]');
    await see(sales.filter({ hasText: "key 2" }), "key 2 of IVR main");
    await see(sales.filter({ hasText: "Ring group sales" }), "ring group sales after key 2");
    await see(sales.locator('li[data-destination="voicemail:1001"]', { hasText: "Voicemail of 1001" }),
      "1001's voicemail when nobody in sales answers");
    await see(flow.locator(':scope > ul > li[data-destination="voicemail:1001"]', { hasText: "closed" }),
      "1001's voicemail when office is closed");
    await screenshot(page, "flow-700");

    // Sales is still named by main: deleting it is refused, saying so.
    await openSection(page, "Ring groups");
    await row(page, "sales").getByRole("button", { name: "Delete" }).click();
    await see(row(page, "sales").getByText("Delete sales?"), "the delete confirmation");
    await row(page, "sales").getByRole("button", { name: "Delete" }).click();
    await see(page.locator("p.error[role=alert]", { hasText: /ivr main/i }), "the refusal naming ivr main");
    await see(row(page, "sales"), "ring group sales still listed");
    await screenshot(page, "delete-refused");

    // Forced closed from the list.
    await openSection(page, "Schedules");
    await row(page, "office").getByRole("button", { name: "Force closed" }).click();
    await see(row(page, "office").locator("td.override", { hasText: "forced closed" }), "office forced closed");
    await see(row(page, "office").locator("td.state", { hasText: /^closed$/ }), "office closed now");
    await screenshot(page, "forced-closed");
    console.log("call flows end-to-end: all steps passed");
  });
} catch (error) {
  console.error(`call flows end-to-end FAILED: ${error.message}`);
  process.exit(1);
}

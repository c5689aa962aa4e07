// What the end-to-end runs do on the console's list and form pages: log
// in as the administrator, open a section by its link, find a row, pick a
// destination, create the object the form holds.

import { see, gone, logIn } from "./browser.mjs";

/** A page logged in as the administrator, its editor form, and the
 * form's fields by label. */
export async function asAdmin(open, password) {
  const page = await open("admin");
  await logIn(page, password);
  await see(page.getByRole("heading", { name: "Extensions" }), "the extensions page");
  const form = page.locator("form.editor");
  const field = (label) => form.getByLabel(label, { exact: true });
  return { page, form, field };
}

export const row = (page, name) => page.locator(`tr[data-name="${name}"]`);

export async function openSection(page, title) {
  await page.getByRole("link", { name: title, exact: true }).click();
  await see(page.getByRole("heading", { name: title, exact: true }), `the ${title} page`);
}

/** Picks `kind` (and types `target`) in the destination field `label`. */
export async function destination(scope, label, kind, target) {
  await scope.getByLabel(label, { exact: true }).selectOption(kind);
  if (target) await scope.getByLabel(`${label}: target`, { exact: true }).fill(target);
}

export async function create(page, form, what) {
  await page.getByRole("button", { name: "Create" }).click();
  await gone(form, `the new ${what} form after creating it`);
}

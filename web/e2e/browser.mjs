// What the console's end-to-end scripts share: the settings they read
// from the environment, Debian's Chromium driven by playwright-core, and
// waiting for what a person would see, failing with what was expected.

import { chromium } from "playwright-core";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export const WAIT = 15_000;

export const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/** Chromium, and the pages opened in it; `run` gets `open` and
 * `screenshot`, and on failure every page is photographed. */
export async function withBrowser(run) {
  const shots = need("SB_SCREENSHOTS");
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  let shot = 0;
  const problems = [];
  const pages = [];

  async function screenshot(page, name) {
    shot += 1;
    const file = join(shots, `${String(shot).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot ${file}`);
  }

  const browser = await chromium.launch({
    executablePath: process.env.SB_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });

  async function open(name) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`${name}: page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) {
        problems.push(`${name}: ${message.text()}`);
      }
    });
    await page.goto(need("SB_URL"));
    pages.push([name, page]);
    return page;
  }

  try {
    await run({ open, screenshot, shots });
    if (problems.length) throw new Error(problems.join("\n"));
  } catch (error) {
    for (const [name, page] of pages) {
      await screenshot(page, `failed-${name.replace(/\W+/g, "-")}`).catch(() => {});
    }
    throw error;
  } finally {
    await browser.close();
  }
}

/** Waits until `locator` is visible; fails naming what was expected. */
export async function see(locator, what) {
  try {
    await locator.first().waitFor({ state: "visible", timeout: WAIT });
  } catch {
    throw new Error(`expected to see ${what}`);
  }
}

export async function gone(locator, what) {
  try {
    await locator.first().waitFor({ state: "detached", timeout: WAIT });
  } catch {
    throw new Error(`expected ${what} to go away`);
  }
}

export async function logIn(page, secret) {
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Log in" }).click();
}

// Real Chromium through playwright-core (Debian's /usr/bin/chromium; never downloads one).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";

export const e2eSkipped = process.env.BC_SKIP_E2E === "1";
export const artifactsDir = fileURLToPath(new URL("../artifacts/", import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    // playwright-core gives every launch a fresh temporary profile of its own.
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
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
}

/** One part of a page, at full size, for a close look. */
export async function screenshotOf(locator: Locator, name: string) {
  mkdirSync(artifactsDir, { recursive: true });
  await locator.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

/** Signs up through the real form. */
export async function signUpInBrowser(page: Page, baseUrl: string, name: string, email: string) {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(/\/dashboard/);
}

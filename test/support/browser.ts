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

export interface OrganisationForm {
  handle: string;
  name: string;
  kind: "Nonprofit" | "Business" | "School" | "Community group";
  description?: string;
  website?: string;
}

/** Creates an organisation through the real form; lands on its page. */
export async function createOrganisationInBrowser(page: Page, baseUrl: string, org: OrganisationForm) {
  await page.goto(`${baseUrl}/orgs/new`);
  await page.getByLabel("Handle").fill(org.handle);
  await page.getByLabel("Name", { exact: true }).fill(org.name);
  await page.getByLabel("Kind of organisation").selectOption({ label: org.kind });
  if (org.description !== undefined) await page.getByLabel("Description").fill(org.description);
  if (org.website !== undefined) await page.getByLabel("Website").fill(org.website);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await page.waitForURL(`${baseUrl}/orgs/${org.handle}`);
  // The address changes before the new page renders: wait for the page itself.
  await page.getByRole("heading", { level: 1, name: org.name, exact: true }).waitFor();
}

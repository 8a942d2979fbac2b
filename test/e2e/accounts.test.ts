import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { e2eSkipped, launchBrowser, screenshot, signUpInBrowser } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("accounts in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("signs up, signs out and signs back in with the keyboard", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUpInBrowser(page, server.url, "Ada Lovelace", "ada@example.org");
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: /Sign out/ }).click();
    await page.waitForURL(`${server.url}/`);
    await screenshot(page, "home");
    await page.goto(`${server.url}/signin`);
    await page.getByLabel("E-mail").fill("ada@example.org");
    await page.getByLabel("Password").fill("wrong password here");
    await page.keyboard.press("Enter");
    expect(await page.getByRole("alert").first().textContent()).toContain("E-mail or password is not right.");
    // What the user typed is still there.
    expect(await page.getByLabel("E-mail").inputValue()).toBe("ada@example.org");
    await screenshot(page, "signin-error");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/dashboard/);
    await context.close();
  });
});

// Saves a screenshot of a Dagster UI page once its content has rendered.
//   node screenshot_dagster.mjs <url> <png-path> <text-to-wait-for>
// Dismisses the first-visit "Join the Dagster community" dialog, which would otherwise cover the page.
import { chromium } from "playwright-core";

const [url, pngPath, waitForText] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url, { waitUntil: "load" });
  const skip = page.getByRole("button", { name: "Skip" });
  try {
    await skip.click({ timeout: 15000 });
  } catch {
    // no dialog on this visit
  }
  await page.getByText(waitForText, { exact: false }).first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(8000); // let the graph query and layout finish
  await page.screenshot({ path: pngPath });
} finally {
  await browser.close();
}

// Saves a screenshot of a Dagster UI graph page once the given nodes are drawn on its graph, and a JSON report
// of what the page showed, so a test can check it was the page it meant.
//   node screenshot_dagster.mjs <url> <png-path> <json-path> <graph-node-label>...
// Waits until every <graph-node-label> is the label of a node on the graph (the graph's nodes are <foreignObject>s
// inside its <svg>), so a page that only lists those names elsewhere (a sidebar, a search box) does not pass.
// Dismisses the first-visit "Join the Dagster community" dialog, which would otherwise cover the page.
// The JSON holds: url (after any redirect), title (the document title) and graphNodeLabels (every node drawn).
import { writeFile } from "node:fs/promises";
import { chromium } from "playwright-core";

const [url, pngPath, jsonPath, ...nodeLabels] = process.argv.slice(2);
if (!url || !pngPath || !jsonPath || nodeLabels.length === 0) {
  console.error("usage: node screenshot_dagster.mjs <url> <png-path> <json-path> <graph-node-label>...");
  process.exit(2);
}

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
  const drawnLabels = async () =>
    (await page.locator("svg foreignObject").allTextContents()).map((text) => text.trim()).filter(Boolean);
  const deadline = Date.now() + 60000;
  let drawn = await drawnLabels();
  while (!nodeLabels.every((label) => drawn.includes(label))) {
    if (Date.now() > deadline) {
      throw new Error(`not every graph node of ${JSON.stringify(nodeLabels)} was drawn at ${page.url()}: ${JSON.stringify(drawn)}`);
    }
    await page.waitForTimeout(500);
    drawn = await drawnLabels();
  }
  // The app sets the page's own title after it renders; on a busy machine that can come after the graph.
  try {
    await page.waitForFunction(() => document.title !== "Dagster", null, { timeout: 20000 });
  } catch {
    // the report then shows the generic title and the test names it
  }
  await page.waitForTimeout(3000); // let the zoom-to-fit finish
  await page.screenshot({ path: pngPath });
  const report = {
    url: page.url(),
    title: await page.title(),
    graphNodeLabels: await drawnLabels(),
  };
  await writeFile(jsonPath, JSON.stringify(report, null, 2) + "\n", "utf-8");
} finally {
  await browser.close();
}

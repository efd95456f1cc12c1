// Opens pages of the published site in headless Debian chromium (driven by playwright-core) and reports, as JSON
// on stdout, for each page: broken links, broken images, console errors, axe-core violations, the page's text and
// image alt texts, table captions, table cells whose text overflows the cell, and cells holding one hyphenated figure
// (an academic year, 2021-22) that the browser broke over two lines.
//   node check_site.mjs <base-url> <screenshot-dir> <path> [<path> ...]
// The first path whose name starts with "committee_report" is also saved as a full-page screenshot.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [baseUrl, screenshotDir, ...pages] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const browser = await chromium.launch({
  executablePath,
  headless: true,
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
const results = [];
try {
  const context = await browser.newContext();
  for (const pagePath of pages) {
    const page = await context.newPage();
    const consoleErrors = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
    const url = new URL(pagePath, baseUrl).href;
    const response = await page.goto(url, { waitUntil: "load" });
    const status = response ? response.status() : 0;

    const links = await page.$$eval("a[href]", (anchors) => anchors.map((a) => a.href));
    const brokenLinks = [];
    for (const link of links) {
      if (!link.startsWith(baseUrl)) {
        if (!link.startsWith("#")) brokenLinks.push({ link, reason: "points outside the published site" });
        continue;
      }
      const target = link.split("#")[0];
      const reply = await context.request.get(target);
      if (!reply.ok()) brokenLinks.push({ link, reason: `HTTP ${reply.status()}` });
    }
    const brokenImages = await page.$$eval("img", (images) =>
      images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.getAttribute("alt") || img.src.slice(0, 80)),
    );
    const imagesWithoutAlt = await page.$$eval("img", (images) => images.filter((img) => !img.hasAttribute("alt")).length);

    // What a reader sees, and table cells whose text does not fit (overflow past the cell's border).
    const text = await page.evaluate(() => document.body.innerText);
    const altTexts = await page.$$eval("img[alt]", (images) => images.map((img) => img.getAttribute("alt")));
    const overflowingCells = await page.$$eval("td, th", (cells) =>
      cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.innerText.slice(0, 60)),
    );
    const brokenFigures = await page.$$eval("td, th", (cells) =>
      cells
        .filter((cell) => /^\d+-\d+$/.test(cell.innerText.trim()))
        .filter((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1;
        })
        .map((cell) => cell.innerText.trim()),
    );
    const captions = await page.$$eval("table", (tables) =>
      tables.map((table) => (table.caption ? table.caption.innerText : (table.closest("figure")?.querySelector("figcaption")?.innerText ?? ""))),
    );

    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => {
      const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
      return outcome.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });

    if (path.basename(pagePath).startsWith("committee_report")) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, "committee_report.png"), fullPage: true });
    }
    results.push({
      page: pagePath,
      status,
      links: links.length,
      brokenLinks,
      brokenImages,
      imagesWithoutAlt,
      consoleErrors,
      axe,
      text,
      altTexts,
      overflowingCells,
      brokenFigures,
      captions,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 2));

/** Opens an HTML file in headless Debian Chromium (playwright-core drives it; nothing is downloaded). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LOWBIT_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PageCheck {
  consoleErrors: string[];
  requests: string[];
  /** Per chart: canvas id, number of data points, and whether its canvas has non-blank pixels. */
  charts: { id: string; points: number; painted: boolean }[];
  screenshot?: Buffer;
}

export async function inspectReport(options: { htmlPath: string; screenshot?: boolean }): Promise<PageCheck> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with apt-get install -y chromium (.ci/run does), or set LOWBIT_CHROMIUM`);
  const userDataDirectory = mkdtempSync(join(tmpdir(), 'lowbit-chromium-'));
  let context: BrowserContext | undefined;
  let browser: Browser | undefined;
  try {
    // A persistent context is how playwright takes a user-data-dir: a new empty one per run.
    context = await chromium.launchPersistentContext(userDataDirectory, { executablePath: CHROMIUM_PATH, args: FLAGS, headless: true, viewport: { width: 1280, height: 900 } });
    browser = context.browser() ?? undefined;
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(`file://${options.htmlPath}`);
    await page.waitForSelector('body[data-charts-ready]', { timeout: 20_000 });
    const charts = await page.evaluate(() => {
      // Typed by hand: the workspace compiles without the DOM library.
      type CanvasLike = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
      type ChartLike = { lowbitId: string; canvas: CanvasLike; data: { datasets: { data: unknown[] }[] } };
      const list = (globalThis as unknown as { lowbitCharts: ChartLike[] }).lowbitCharts;
      return list.map((chart) => {
        const canvas = chart.canvas;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = false;
        for (let i = 3; i < pixels.length; i += 4) {
          if (pixels[i] !== 0) {
            painted = true;
            break;
          }
        }
        const points = chart.data.datasets.reduce((total, dataset) => total + dataset.data.filter((value) => value !== null && value !== 0).length, 0);
        return { id: chart.lowbitId, points, painted };
      });
    });
    const screenshot = options.screenshot === true ? await page.screenshot({ fullPage: true }) : undefined;
    return { consoleErrors, requests, charts, screenshot };
  } finally {
    await context?.close();
    await browser?.close();
    rmSync(userDataDirectory, { recursive: true, force: true });
  }
}

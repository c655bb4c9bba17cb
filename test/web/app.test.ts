import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMap } from '../../src/core/map-format.js';
import { cifarImages, lookalike, tempDir } from '../helpers/fixtures.js';
import { launchChromium } from './browser.js';
import { serve, type ServerProcess } from './server.js';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const TOKEN = 'test-admin-token';
const BACKGROUND = [0x10, 0x14, 0x18];

let dir: string;
let shots: string;
let server: ServerProcess;
let browser: Browser;
let page: Page;

async function mapCount(): Promise<number> {
  const res = await fetch(`${server.url}/api/map`);
  return decodeMap(new Uint8Array(await res.arrayBuffer())).header.count;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Pixels of the map region that are not the background, and how many distinct colours they use. */
async function mapPixels(): Promise<{ lit: number; colours: number }> {
  const png = await page.locator('#map').screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let lit = 0;
  const colours = new Set<number>();
  for (let p = 0; p < info.width * info.height * 3; p += 3) {
    const d = Math.abs(data[p]! - BACKGROUND[0]!) + Math.abs(data[p + 1]! - BACKGROUND[1]!) + Math.abs(data[p + 2]! - BACKGROUND[2]!);
    if (d < 60) continue;
    lit++;
    colours.add((data[p]! >> 5) * 64 + (data[p + 1]! >> 5) * 8 + (data[p + 2]! >> 5));
  }
  return { lit, colours: colours.size };
}

/** The share of the map canvas's visible area that the panels over it (legend, results, admin) cover. */
function coveredShare(): Promise<number> {
  return page.evaluate(() => {
    const c = document.getElementById('map-canvas')!.getBoundingClientRect();
    let covered = 0;
    for (const id of ['legend', 'panel', 'admin']) {
      const node = document.getElementById(id)!;
      if (node.getClientRects().length === 0) continue; // not displayed
      const r = node.getBoundingClientRect();
      covered += Math.max(0, Math.min(r.right, c.right) - Math.max(r.left, c.left)) * Math.max(0, Math.min(r.bottom, c.bottom) - Math.max(r.top, c.top));
    }
    return covered / (c.width * c.height);
  });
}

beforeAll(async () => {
  dir = tempDir('web');
  shots = tempDir('web-shots');
  cifarImages(join(dir, 'images'), CLASSES, 10);
  const db = join(dir, 'lookalike.db');
  expect(lookalike(['index', join(dir, 'images'), '--db', db, '--quiet']).code).toBe(0);
  expect(lookalike(['map', '--db', db, '--quiet']).code).toBe(0);
  server = await serve(db, { LOOKALIKE_ADMIN_TOKEN: TOKEN });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.waitForSelector('#map[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  console.log(`browser test screenshots: ${shots}`);
});

describe('browser app against a real server (100 CIFAR-10 images)', () => {
  it('draws every point of the map, coloured, with thumbnails only for what is on screen', async () => {
    expect(await page.locator('#map').getAttribute('data-points')).toBe(String(await mapCount()));
    expect(await mapCount()).toBe(100);
    await expect.poll(() => page.locator('#summary').textContent()).toContain('100 images');
    // The WebGL points alone: overlays hidden for the pixel check.
    await page.evaluate(() => {
      for (const id of ['thumbs', 'labels']) document.getElementById(id)!.style.visibility = 'hidden';
    });
    await page.waitForTimeout(100);
    const points = await mapPixels();
    await shot('points-only');
    await page.evaluate(() => {
      for (const id of ['thumbs', 'labels']) document.getElementById(id)!.style.visibility = '';
    });
    // 100 dots of ~8 px: hundreds of lit pixels in several cluster colours.
    expect(points.lit).toBeGreaterThan(1500);
    expect(points.colours).toBeGreaterThanOrEqual(4);
    // A few points in view: thumbnails show, capped, one request per picture.
    await expect.poll(() => page.evaluate(() => (window as any).lookalike.thumbs().shown)).toBeGreaterThan(20);
    const t = await page.evaluate(() => (window as any).lookalike.thumbs());
    expect(t.shown).toBeLessThanOrEqual(120);
    expect(t.requested).toBeLessThanOrEqual(t.shown + 10);
    expect(await page.locator('.cluster-label').count()).toBeGreaterThan(1);
    await shot('map');
  });

  it('shows a preview on hover and the neighbours on click', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const [sx, sy] = (await page.evaluate(() => (window as any).lookalike.screenOf(1))) as [number, number];
    await page.mouse.move(box.x + sx, box.y + sy);
    const preview = page.locator('#preview');
    await expect.poll(() => preview.isVisible()).toBe(true);
    await expect.poll(() => page.locator('#preview-img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#preview-caption').textContent()).toMatch(/#\d+/);
    await shot('hover');

    await page.mouse.click(box.x + sx, box.y + sy);
    await expect.poll(() => page.locator('#panel').getAttribute('data-kind')).toBe('neighbours');
    await expect.poll(() => page.locator('#results .result').count()).toBe(12);
    const scores = await page.locator('#results .score').allTextContents();
    expect(scores.map(Number).every((s) => s > 0 && s <= 1.0001)).toBe(true);
    expect(Number(await page.locator('#map').getAttribute('data-highlighted'))).toBe(12);
    await shot('neighbours');
  });

  it('reaches images by keyboard: Shift+arrows step between points, Enter opens one, results open by Enter', async () => {
    const json = (await (await fetch(`${server.url}/api/map?format=json`)).json()) as { bounds: number[]; points: Array<{ id: number; x: number; y: number }> };
    const at = new Map(json.points.map((p) => [p.id, p]));
    const map = page.locator('#map');
    await page.mouse.move(0, 0); // off the map: the preview follows the keyboard, not the pointer
    // The keyboard continues from the image the click opened, towards the middle of the map.
    const start = Number(await map.getAttribute('data-cursor'));
    expect(String(start)).toBe(await page.locator('#panel').getAttribute('data-id'));
    const rightwards = at.get(start)!.x < (json.bounds[0]! + json.bounds[2]!) / 2;
    await page.locator('#map-canvas').focus();
    await page.keyboard.press(rightwards ? 'Shift+ArrowRight' : 'Shift+ArrowLeft');
    await expect.poll(() => map.getAttribute('data-cursor')).not.toBe(String(start));
    const next = Number(await map.getAttribute('data-cursor'));
    expect(Math.sign(at.get(next)!.x - at.get(start)!.x)).toBe(rightwards ? 1 : -1);
    await expect.poll(() => page.locator('#preview').getAttribute('data-id')).toBe(String(next));
    expect(await page.locator('#preview').isVisible()).toBe(true);
    expect(await page.locator('#map-status').textContent()).toMatch(new RegExp(`^Image #${next}\\b`));
    await shot('keyboard-step');

    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#panel').getAttribute('data-id')).toBe(String(next));
    await expect.poll(() => page.locator('#results .result').count()).toBe(12);

    // A result, reached by focus, opens by Enter: the map flies to it and focus moves to its own neighbours.
    const first = page.locator('#results .result').first();
    const chosen = (await first.getAttribute('data-id'))!;
    await first.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#panel').getAttribute('data-id')).toBe(chosen);
    await expect.poll(() => page.locator('#results .result').count()).toBe(12);
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('result'))).toBe(true);
    expect(await map.getAttribute('data-cursor')).toBe(chosen);
    const box = (await map.boundingBox())!;
    const [sx, sy] = (await page.evaluate((id) => (window as any).lookalike.screenOf(id), Number(chosen))) as [number, number];
    expect(Math.hypot(sx - box.width / 2, sy - box.height / 2)).toBeLessThan(4);
  });

  it('searches by an uploaded image: results with scores, a marker on the map, and flies there', async () => {
    // An image not in the index: the 11th ship.
    const extra = join(dir, 'extra');
    cifarImages(extra, ['ship'], 11);
    await page.setInputFiles('#upload-input', join(extra, 'ship', '0010.jpg'));
    await expect.poll(() => page.locator('#panel').getAttribute('data-kind')).toBe('upload');
    await expect.poll(() => page.locator('#results .result').count()).toBe(12);
    const labels = await page.locator('#results .result .label').allTextContents();
    expect(labels.filter((l) => l === 'ship').length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('.query-marker').count()).toBe(1);
    // After the flight the marker sits at the centre of the map.
    const box = (await page.locator('#map').boundingBox())!;
    await expect.poll(async () => {
      const m = (await page.locator('.query-marker').boundingBox())!;
      return Math.hypot(m.x - box.x - box.width / 2, m.y - box.y - box.height / 2);
    }).toBeLessThan(4);
    await shot('upload');
  });

  it('explains a bad upload', async () => {
    await page.setInputFiles('#upload-input', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    const messages = page.locator('#messages');
    await expect.poll(() => messages.getAttribute('data-kind')).toBe('error');
    expect(await messages.textContent()).toMatch(/notes\.txt.*(image|decode|format)/i);
  });

  it('toggles colouring by label and hides a legend entry', async () => {
    const clusterEntries = await page.locator('.legend-entry').count();
    expect(await page.locator('.legend-entry .name').first().textContent()).toMatch(/^\d+: |^Cluster \d+$/);
    await page.getByLabel('Label', { exact: true }).check();
    // One entry per folder label, counting the images that carry it (10 of each class), not cluster sizes.
    await expect.poll(() => page.locator('.legend-entry .name').allTextContents()).toSatisfy((names: string[]) =>
      [...names].sort().join() === [...CLASSES].sort().join());
    expect(await page.locator('.legend-entry .count').allTextContents()).toEqual(CLASSES.map(() => '10'));
    expect(clusterEntries).toBeGreaterThan(1);
    // Hiding a label hides exactly its images.
    const first = page.locator('.legend-entry').first();
    await first.click();
    expect(await first.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => page.evaluate(() => (window as any).lookalike.visiblePoints())).toBe(90);
    await first.press('Enter');
    expect(await first.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.evaluate(() => (window as any).lookalike.visiblePoints())).toBe(100);
    await page.getByLabel('Cluster', { exact: true }).check();
    await expect.poll(() => page.locator('.legend-entry').count()).toBe(clusterEntries);
  });

  it('refuses a wrong admin token, then runs a reindex to completion with progress and refreshes the map', async () => {
    await page.getByRole('button', { name: 'Admin' }).click();
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Start reindex' }).click();
    const status = page.locator('#reindex-status');
    await expect.poll(() => status.getAttribute('data-kind')).toBe('error');
    expect(await status.textContent()).toMatch(/unauthori[sz]ed/i);
    await shot('admin-refused');

    // New images give the job embedding work to report.
    cpSync(join(dir, 'extra', 'ship'), join(dir, 'images', 'ship-new'), { recursive: true });
    await page.evaluate(() => {
      const seen: string[] = ((window as any).jobTexts = []);
      const node = document.getElementById('reindex-status')!;
      new MutationObserver(() => seen.push(`${node.dataset.state ?? ''}|${node.textContent}`)).observe(node, { childList: true, characterData: true, subtree: true });
    });
    const mapBefore = await page.locator('#map').getAttribute('data-map-id');
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Start reindex' }).click();
    await expect.poll(() => status.textContent(), { timeout: 90_000 }).toMatch(/Reindex complete/);
    const seen = (await page.evaluate(() => (window as any).jobTexts)) as string[];
    expect(seen.some((s) => /^running\|.*\d+ \/ \d+/.test(s))).toBe(true);
    // The job rebuilt the map with the new images; the app switched to it.
    await expect.poll(() => page.locator('#map').getAttribute('data-map-id')).not.toBe(mapBefore);
    expect(await mapCount()).toBeGreaterThan(100);
    expect(await page.locator('#map').getAttribute('data-points')).toBe(String(await mapCount()));
    await shot('admin-done');
  });

  it('fits a phone screen: the legend starts collapsed, so panels cover at most a quarter of the map', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector('#map[data-ready="true"]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const map = (await page.locator('#map').boundingBox())!;
    expect(map.width).toBe(390);
    expect((await mapPixels()).lit).toBeGreaterThan(1500);
    await expect.poll(() => page.getByRole('button', { name: 'Search by image…' }).or(page.locator('label.upload')).first().isVisible()).toBe(true);
    const toggle = page.getByRole('button', { name: 'Legend' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('.legend-entry').first().isVisible()).toBe(false);
    const collapsed = await coveredShare();
    expect(collapsed).toBeLessThanOrEqual(0.25);
    await shot('phone');
    await toggle.click();
    await expect.poll(() => page.locator('.legend-entry').first().isVisible()).toBe(true);
    expect(await coveredShare()).toBeGreaterThan(collapsed);
    await shot('phone-legend-open');
    await toggle.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });

  it('says so when the server is down', async () => {
    await server.stop();
    await page.setInputFiles('#upload-input', join(dir, 'extra', 'ship', '0010.jpg'));
    const messages = page.locator('#messages');
    await expect.poll(() => messages.textContent()).toMatch(/Cannot reach the Lookalike server/);
    await shot('server-down');
  });
});

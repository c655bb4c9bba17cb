/**
 * The browser app in headless Chromium (SwiftShader WebGL, no GPU): time to the first frame with
 * the map drawn, and frame times while the map pans, for synthetic maps of the given sizes and,
 * with --db, for a real database served by `lookalike serve`. Frames are not capped at the
 * display rate, so a frame's interval is its cost.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { intOption, parse } from '../cli/args.js';
import { LookalikeError } from '../core/errors.js';
import { serveSynthetic, syntheticMap } from './web-synthetic.js';

export const WEB_BENCH_HELP = `Options (web):
  --points LIST      synthetic map sizes, comma-separated (default 50000,1000000; '' for none)
  --clusters N       clusters of the synthetic maps (default 100)
  --db FILE          also a real database, served by lookalike serve (thumbnails are cached beside it)
  --chromium PATH    default /usr/bin/chromium
  --shots DIR        screenshots (default: a new temporary folder)
  --json             print the results as JSON`;

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TARGET_MS = 16;

interface Case {
  name: string;
  points: number;
  firstPaintMs: number;
  pan: { frames: number; medianMs: number; p95Ms: number; meanMs: number };
  /** Main-thread work per pan frame (script, style, layout: what a GPU would not take over), from Chromium's metrics. */
  mainThreadMsPerFrame: { task: number; script: number; layout: number };
  zoomedThumbs: { shown: number; requested: number };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Presses arrow keys on the focused map every 100 ms: each starts a 120 ms camera move, so the view never rests. */
async function panFrames(page: Page): Promise<number[]> {
  await page.focus('#map-canvas');
  await page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording: boolean };
    w.frames_ = [];
    w.recording = true;
    const tick = (t: number): void => {
      w.frames_.push(t);
      if (w.recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  for (let i = 0; i < 24; i++) {
    await page.keyboard.press(i % 12 < 6 ? 'ArrowRight' : 'ArrowLeft');
    await page.waitForTimeout(100);
  }
  const stamps = await page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording: boolean };
    w.recording = false;
    return w.frames_;
  });
  return stamps.slice(1).map((t, i) => t - stamps[i]!);
}

async function measure(name: string, url: string, points: number, chromiumPath: string, shots: string): Promise<Case> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-gpu-vsync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // First paint: the second animation frame after the app says the points are drawn.
    await page.addInitScript(() => {
      const w = window as unknown as { firstPaint?: number };
      new MutationObserver((_, observer) => {
        if (document.getElementById('map')?.dataset.ready !== 'true') return;
        observer.disconnect();
        requestAnimationFrame(() => requestAnimationFrame(() => (w.firstPaint = performance.now())));
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
    });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { firstPaint?: number }).firstPaint !== undefined, null, { timeout: 120_000 });
    const firstPaintMs = await page.evaluate(() => (window as unknown as { firstPaint: number }).firstPaint);
    const drawn = Number(await page.getAttribute('#map', 'data-points'));
    if (drawn !== points) throw new LookalikeError('BAD_ARGUMENT', `${name}: the app drew ${drawn} points, expected ${points}`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(shots, `${name}-overview.png`) });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    const intervals = await panFrames(page);
    const after = await metrics();
    const perFrame = (key: string): number => (1000 * (after[key]! - before[key]!)) / intervals.length;
    // Zoom in until the LOD switches thumbnails on, for what is on screen and only that.
    const thumbs = (): Promise<{ shown: number; requested: number }> =>
      page.evaluate(() => (window as unknown as { lookalike: { thumbs(): { shown: number; requested: number } } }).lookalike.thumbs());
    await page.keyboard.press('0');
    await page.waitForTimeout(800);
    const frames = (k: number): Promise<void> =>
      page.evaluate((k) => new Promise<void>((done) => {
        const step = (left: number): void => void (left === 0 ? done() : requestAnimationFrame(() => step(left - 1)));
        step(k);
      }), k);
    for (let i = 0; i < 16 && (await thumbs()).shown === 0; i++) {
      await page.keyboard.press('+');
      // Slow frames stretch the 120 ms camera move: let it finish whatever a frame costs.
      await page.waitForTimeout(150);
      await frames(3);
    }
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(shots, `${name}-zoomed.png`) });
    const zoomedThumbs = await thumbs();
    const sorted = [...intervals].sort((a, b) => a - b);
    return {
      name, points, firstPaintMs, zoomedThumbs,
      mainThreadMsPerFrame: { task: perFrame('TaskDuration'), script: perFrame('ScriptDuration'), layout: perFrame('LayoutDuration') + perFrame('RecalcStyleDuration') },
      pan: { frames: intervals.length, medianMs: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), meanMs: intervals.reduce((a, b) => a + b, 0) / intervals.length },
    };
  } finally {
    await browser.close();
  }
}

async function serveDb(db: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'serve', '--db', db, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/\S+)/.exec(out);
      if (m) done(m[1]!);
    });
    child.once('exit', (code) => fail(new LookalikeError('BAD_ARGUMENT', `lookalike serve --db ${db} exited with ${code}`)));
  });
  return { url, close: () => new Promise<void>((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))) };
}

function report(c: Case): string {
  const ok = c.pan.medianMs <= TARGET_MS ? 'meets' : 'misses';
  return `${c.name}: ${c.points.toLocaleString()} points, first map paint ${(c.firstPaintMs / 1000).toFixed(2)} s; ` +
    `panning ${c.pan.frames} frames, median ${c.pan.medianMs.toFixed(1)} ms, p95 ${c.pan.p95Ms.toFixed(1)} ms, mean ${c.pan.meanMs.toFixed(1)} ms ` +
    `(${ok} ${TARGET_MS} ms; main thread ${c.mainThreadMsPerFrame.task.toFixed(1)} ms/frame, script ${c.mainThreadMsPerFrame.script.toFixed(1)}, ` +
    `style+layout ${c.mainThreadMsPerFrame.layout.toFixed(1)}); zoomed in: ${c.zoomedThumbs.shown} thumbnails shown, ${c.zoomedThumbs.requested} requested`;
}

export async function webBench(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    points: { type: 'string' }, clusters: { type: 'string' }, db: { type: 'string' }, chromium: { type: 'string' }, shots: { type: 'string' },
    json: { type: 'boolean' },
  }, { min: 0, max: 0, usage: 'npm run bench -- web [options]' });
  const sizes = String(values.points ?? '50000,1000000').split(',').filter((s) => s !== '').map((s) => intOption(s, 'points', 0, 1, 20_000_000));
  const clusters = intOption(values.clusters, 'clusters', 100, 1, 10_000);
  const chromiumPath = (values.chromium as string | undefined) ?? '/usr/bin/chromium';
  const shots = (values.shots as string | undefined) ?? mkdtempSync(join(tmpdir(), 'lookalike-web-bench-'));
  const results: Case[] = [];
  const say = (c: Case): void => {
    results.push(c);
    if (!values.json) process.stdout.write(`${report(c)}\n`);
  };
  const publicDir = join(REPO, 'public');
  for (const n of sizes) {
    const server = await serveSynthetic(publicDir, syntheticMap(n, clusters));
    try {
      say(await measure(`synthetic-${n}`, server.url, n, chromiumPath, shots));
    } finally {
      await server.close();
    }
  }
  if (values.db !== undefined) {
    const db = String(values.db);
    const server = await serveDb(db);
    try {
      const res = await fetch(`${server.url}/api/health`);
      const health = (await res.json()) as { map: { points: number } | null };
      if (!health.map) throw new LookalikeError('NOTHING_INDEXED', `${db} has no map: run lookalike map --db ${db}`);
      say(await measure('db', server.url, health.map.points, chromiumPath, shots));
    } finally {
      await server.close();
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ results, screenshots: shots })}\n`);
  else process.stdout.write(`screenshots: ${shots}\n`);
}

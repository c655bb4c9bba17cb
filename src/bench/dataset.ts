import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LookalikeError, errorMessage } from '../core/errors.js';

/**
 * The first `limit` JPEGs of the archive, in tar order, extracted once under cacheDir and
 * reused by later runs. Returns the folder and its images' absolute paths.
 */
export async function firstImages(archive: string, limit: number, cacheDir: string): Promise<{ root: string; files: string[] }> {
  const root = join(cacheDir, `cifar-first-${limit}`);
  if (!(await isFolder(root))) await extract(archive, limit, cacheDir, root);
  const files = (await readdir(root, { recursive: true }))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => join(root, f));
  if (files.length !== limit) throw new LookalikeError('NOT_FOUND', `${root} holds ${files.length} images, not ${limit}: delete it to extract again`);
  return { root, files };
}

async function extract(archive: string, limit: number, cacheDir: string, root: string): Promise<void> {
  if (!(await stat(archive).then((s) => s.isFile(), () => false))) throw new LookalikeError('NOT_FOUND', `no dataset archive at ${archive}`);
  const names = await firstNames(archive, limit);
  if (names.length < limit) throw new LookalikeError('BAD_ARGUMENT', `--limit ${limit}, but ${archive} holds only ${names.length} images`);
  await mkdir(cacheDir, { recursive: true });
  // Extract aside and rename, so an interrupted extraction is never taken for a finished one.
  const tmp = await mkdtemp(join(cacheDir, '.extract-'));
  try {
    const list = join(tmp, 'names.txt');
    const out = join(tmp, 'images');
    await writeFile(list, `${names.join('\n')}\n`);
    await mkdir(out);
    await run('tar', ['-xzf', archive, '-C', out, '-T', list]);
    await rename(out, root).catch(async (err: unknown) => {
      // A concurrent run finished first: its copy is as good as ours.
      if (!(await isFolder(root))) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The first `limit` .jpg member names; stops reading the archive once it has them. */
async function firstNames(archive: string, limit: number): Promise<string[]> {
  const tar = spawn('tar', ['-tzf', archive], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => resolve(code));
  });
  const names: string[] = [];
  for await (const line of createInterface({ input: tar.stdout })) {
    if (line.endsWith('.jpg')) names.push(line);
    if (names.length === limit) break;
  }
  const stoppedEarly = names.length === limit;
  if (stoppedEarly) tar.kill();
  const code = await exited.catch((err: unknown) => {
    throw new LookalikeError('NOT_FOUND', `cannot run tar: ${errorMessage(err)}`, { cause: err });
  });
  if (!stoppedEarly && code !== 0) throw new LookalikeError('NOT_FOUND', `cannot list ${archive}: ${stderr.trim() || `tar exited with ${code}`}`);
  return names;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new LookalikeError('NOT_FOUND', `${command} ${args.join(' ')} failed: ${stderr.trim() || `exit ${code}`}`));
    });
  });
}

function isFolder(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

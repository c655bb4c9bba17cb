import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { errorMessage } from '../core/errors.js';

/** File name endings of every format this build of sharp decodes. */
export const IMAGE_SUFFIXES: readonly string[] = Object.values(sharp.format)
  .filter((f) => f.input.buffer)
  .flatMap((f) => (f.input as { fileSuffix?: string[] }).fileSuffix ?? []);

export interface ScannedFile {
  /** Relative to the root, '/' separated. */
  path: string;
  absPath: string;
  bytes: number;
  mtimeMs: number;
  /** Parent folder name; null for files at the root. */
  label: string | null;
}

export interface ScanProblem {
  path: string;
  error: string;
}

export interface ScanResult {
  files: ScannedFile[];
  problems: ScanProblem[];
}

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_SUFFIXES.some((s) => lower.endsWith(s));
}

export function labelOf(relPath: string): string | null {
  const parts = relPath.split('/');
  return parts.length > 1 ? parts[parts.length - 2]! : null;
}

/**
 * Lists image files under root, recursively, following symbolic links but never around a
 * loop. Hidden entries are skipped. Whatever cannot be read becomes a problem, not a failure.
 */
export async function scanImages(root: string): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  const problems: ScanProblem[] = [];

  async function walk(dir: string, rel: string, ancestors: Set<string>): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      problems.push({ path: rel || '.', error: `cannot read folder: ${errorMessage(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const abs = join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      let st;
      try {
        st = await stat(abs); // follows links
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (entry.isSymbolicLink() || isImageName(entry.name)) {
          problems.push({ path: relPath, error: code === 'ELOOP' ? 'symbolic link loop' : `cannot read: ${errorMessage(err)}` });
        }
        continue;
      }
      if (st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        if (ancestors.has(id)) {
          problems.push({ path: relPath, error: 'symbolic link loop: points back to a parent folder' });
          continue;
        }
        await walk(abs, relPath, new Set(ancestors).add(id));
      } else if (isImageName(entry.name)) {
        if (!st.isFile()) {
          problems.push({ path: relPath, error: 'not a regular file' });
          continue;
        }
        files.push({ path: relPath, absPath: abs, bytes: st.size, mtimeMs: Math.floor(st.mtimeMs), label: labelOf(relPath) });
      }
    }
  }

  const rootStat = await stat(root);
  await walk(root, '', new Set([`${rootStat.dev}:${rootStat.ino}`]));
  return { files, problems };
}

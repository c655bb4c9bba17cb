import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { LookalikeError } from '../core/errors.js';
import { readInt32Vector, readMatrix, writeNpy, type Matrix } from '../npy/npy.js';
import { Store } from '../store/store.js';
import { firstImages } from './dataset.js';

export interface LabelledVectors {
  vectors: Matrix;
  labels: Int32Array;
  labelNames: string[];
}

/**
 * The CIFAR-10 training images' vectors from the indexing pipeline (default recipe), as
 * .npy files under cacheDir: made once (extract, `lookalike index`, export), then reused.
 */
export async function cifarVectors(archive: string, cacheDir: string, cli: string): Promise<LabelledVectors> {
  const vectorsPath = join(cacheDir, 'cifar10-vectors.npy');
  const labelsPath = join(cacheDir, 'cifar10-labels.npy');
  const namesPath = join(cacheDir, 'cifar10-labels.txt');
  if (!existsSync(vectorsPath) || !existsSync(labelsPath) || !existsSync(namesPath)) {
    const { root } = await firstImages(archive, 50_000, cacheDir);
    const db = join(cacheDir, 'cifar10.db');
    process.stderr.write(`indexing the 50,000 CIFAR-10 images into ${db} (about 5 minutes on 2 cores)…\n`);
    await run(process.execPath, [cli, 'index', root, '--db', db, '--quiet']);
    await exportVectors(db, vectorsPath, labelsPath, namesPath);
  }
  return {
    vectors: readMatrix(vectorsPath),
    labels: readInt32Vector(labelsPath),
    labelNames: readFileSync(namesPath, 'utf8').trim().split('\n'),
  };
}

async function exportVectors(db: string, vectorsPath: string, labelsPath: string, namesPath: string): Promise<void> {
  const store = Store.open(db);
  try {
    const model = store.servingModel();
    if (!model) throw new LookalikeError('NOTHING_INDEXED', `${db} holds no finished index`);
    const items = store.labelledVectors(model.id);
    const names = [...new Set(items.map((i) => i.label))].sort();
    const data = new Float32Array(items.length * model.dims);
    const labels = new Int32Array(items.length);
    items.forEach((item, i) => {
      data.set(item.vector, i * model.dims);
      labels[i] = names.indexOf(item.label);
    });
    // Written aside and renamed, so a killed export is never mistaken for a finished one.
    writeNpy(`${vectorsPath}.tmp`, data, [items.length, model.dims]);
    writeNpy(`${labelsPath}.tmp`, labels, [items.length]);
    writeFileSync(namesPath, `${names.join('\n')}\n`);
    await rename(`${vectorsPath}.tmp`, vectorsPath);
    await rename(`${labelsPath}.tmp`, labelsPath);
  } finally {
    store.close();
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new LookalikeError('KERNEL_FAILED', `${command} ${args.join(' ')} exited with ${code}`))));
  });
}

// For binding.gyp: prints the nvcc to build the CUDA kernels with, or nothing when there
// is none (the addon is then built without CUDA). `node nvcc.js lib` prints the directory
// holding libcudart_static.a. $NVCC, then $CUDA_HOME/bin/nvcc, then PATH, then
// /usr/local/cuda/bin/nvcc; LOOKALIKE_CUDA=0 builds without CUDA regardless.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

function findNvcc() {
  if (process.env.LOOKALIKE_CUDA === '0') return '';
  const candidates = [process.env.NVCC, process.env.CUDA_HOME && path.join(process.env.CUDA_HOME, 'bin', 'nvcc')];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'nvcc'));
  candidates.push('/usr/local/cuda/bin/nvcc');
  return candidates.find((c) => c && existsSync(c)) || '';
}

// nvcc's dry run lists the -L directories it links with; take the one with the static runtime.
function cudartDir(nvcc) {
  const run = spawnSync(nvcc, ['--dryrun', '-x', 'cu', '-c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
  const out = `${run.stdout || ''}${run.stderr || ''}`;  // the dry run writes to stderr
  const line = out.split('\n').find((l) => l.startsWith('#$ LIBRARIES=')) || '';
  const dirs = [...line.matchAll(/-L"?([^"\s]+)"?/g)].map((m) => path.normalize(m[1]));
  return dirs.find((d) => existsSync(path.join(d, 'libcudart_static.a'))) || '';
}

const nvcc = findNvcc();
process.stdout.write(process.argv[2] === 'lib' ? (nvcc && cudartDir(nvcc)) : nvcc);

import { LookalikeError } from '../core/errors.js';
import { kernels, type NativeKernels } from './addon.js';

export type Device = 'cpu' | 'cuda';
export type DeviceRequest = Device | 'auto';

let deviceCount: number | undefined;

/** CUDA devices the addon sees; asked once per thread (the first ask starts the driver). */
export function cudaDeviceCount(): number {
  deviceCount ??= kernels().cudaDeviceCount();
  return deviceCount;
}

/** The one place the device is chosen: auto means CUDA when a device is present. */
export function resolveDevice(requested: DeviceRequest): Device {
  if (requested !== 'cpu' && requested !== 'cuda' && requested !== 'auto')
    throw new LookalikeError('BAD_ARGUMENT', `device must be cpu, cuda or auto, got ${String(requested)}`);
  if (requested === 'cpu') return 'cpu';
  if (cudaDeviceCount() > 0) return 'cuda';
  if (requested === 'auto') return 'cpu';
  throw new LookalikeError(
    'BAD_ARGUMENT',
    kernels().cudaBuilt
      ? 'device cuda: no CUDA device was found (the native kernels were built with CUDA; is the NVIDIA driver loaded?)'
      : 'device cuda: no CUDA device was found, and the native kernels were built without CUDA (no nvcc at build time)',
  );
}

export type CudaKernels = Required<
  Pick<NativeKernels, 'cudaMemory' | 'knnExactCuda' | 'pcaProjectCuda' | 'kmeansCuda' | 'tsneGradientCuda' | 'tsneOptimizeCuda'>
>;

/** The CUDA kernels, or the BAD_ARGUMENT of resolveDevice('cuda') when there is no device. */
export function cudaKernels(k: NativeKernels): CudaKernels {
  resolveDevice('cuda');
  return k as NativeKernels & CudaKernels;  // a device implies a CUDA build, which has them all
}

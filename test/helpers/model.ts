import { loadImageModel, DEFAULT_SPEC, type ImageModel, type ModelSpec } from '../../src/embed/model.js';
import { MODEL_CACHE } from './fixtures.js';

/** The real default model (or another spec) with the test cache and one thread per test worker. */
export function testModel(spec: ModelSpec = DEFAULT_SPEC): Promise<ImageModel> {
  return loadImageModel(spec, { cacheDir: MODEL_CACHE, threads: 1, executionProvider: 'cpu' });
}

/** Domain types shared by every layer; this module imports nothing. */

/** How pixels become the model's input tensor. */
export interface Preprocessing {
  /** Square side the image is resized to (the aspect ratio is not kept: the whole image counts). */
  inputSize: number;
  /** Tensor layout the model expects. */
  layout: 'NHWC' | 'NCHW';
  /** Per-channel value = (pixel / 255 - mean) / std. */
  mean: [number, number, number];
  std: [number, number, number];
  /** Average the vector with that of the image mirrored left to right (twice the inference). */
  flip: boolean;
  /** Signed square root of each activation before normalising: damps a few dominant channels. */
  power: boolean;
}

/** Everything that determines a vector; its fingerprint changes whenever the vectors would. */
export interface ModelRecipe {
  name: string;
  fingerprint: string;
  dims: number;
  /** Outputs (graph nodes) the vector is pooled from, comma-separated. */
  layer: string;
  inputSize: number;
  preprocessing: Preprocessing;
}

export type ImageStatus = 'pending' | 'ok' | 'failed';
export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted';

/** What the indexer knows of an image already in the store. */
export interface ImageRow {
  id: number;
  path: string;
  sha256: string | null;
  bytes: number;
  mtimeMs: number;
  status: ImageStatus;
  embedded: boolean;
}

/** One image's outcome, written to the store in a batch. */
export interface ImageRecord {
  path: string;
  sha256: string | null;
  bytes: number;
  width: number | null;
  height: number | null;
  format: string | null;
  label: string | null;
  mtimeMs: number;
  vector: Float32Array | null;
  error: string | null;
}

export interface RunCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
}

/** Every failure a user can cause or meet carries a stable code; the CLI and HTTP layers map codes to exit statuses and responses. */
const ERROR_CODES = [
  'BAD_ARGUMENT', 'NOT_FOUND', 'NOT_AN_IMAGE', 'IMAGE_TOO_LARGE', 'UNSUPPORTED_OP', 'BAD_MODEL', 'DATABASE',
  'NOTHING_INDEXED', 'BUSY', 'BAD_LABELS', 'BAD_FILE', 'KERNEL_FAILED', 'CUDA_ERROR', 'OUT_OF_MEMORY', 'CANCELLED',
  'CORRUPT_IMAGE', 'UPLOAD_TOO_LARGE', 'UNAUTHORIZED', 'FORBIDDEN', 'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** True for a code this project defines: errors crossing a thread or process boundary keep it. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

export class LookalikeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LookalikeError';
    this.code = code;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

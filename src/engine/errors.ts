// Errors the worker-side engine throws. Kept apart from session.ts and engine.ts so the page can
// know these classes (to re-create them, src/contract/errors.ts) without importing onnxruntime-web.
import { OmniEmbedError } from '../errors';

/** onnxruntime-web could not create or run a graph's session. */
export class SessionError extends OmniEmbedError {
  constructor(message: string, cause?: unknown) {
    super('session_failed', message, { cause });
    this.name = 'SessionError';
  }
}

/** The model has no encoder for this modality (e.g. audio on CLIP). */
export class UnsupportedModalityError extends OmniEmbedError {
  constructor(modality: string, model: string) {
    super('unsupported_modality', `model ${model} does not embed ${modality}`);
    this.name = 'UnsupportedModalityError';
  }
}

import { OmniEmbedError } from '../errors';

/** The input is not something the model can embed (wrong type, empty, unsupported format). */
export class InvalidInputError extends OmniEmbedError {
  constructor(message: string, cause?: unknown) {
    super('invalid_input', message, { cause });
  }
}

/** An option is out of range (e.g. dims not among the model's Matryoshka sizes). */
export class InvalidOptionError extends OmniEmbedError {
  constructor(message: string) {
    super('invalid_option', message);
  }
}

/** The error a worker reported for one input, rebuilt on the page with the same code. */
export class EmbedError extends OmniEmbedError {}

/** What an aborted call rejects with: the standard AbortError, so `err.name === 'AbortError'` works. */
export function abortError(signal: AbortSignal): DOMException {
  const reason = signal.reason;
  if (reason instanceof DOMException && reason.name === 'AbortError') return reason;
  return new DOMException(reason ? String(reason) : 'the embed call was aborted', 'AbortError');
}

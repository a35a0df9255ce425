/**
 * Every error the SDK throws on purpose is an OmniEmbedError with a stable `code`, so apps can
 * branch on `err.code` without parsing messages. Areas subclass it next to the code that throws.
 */
export class OmniEmbedError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

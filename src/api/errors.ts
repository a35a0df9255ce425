import { OmniEmbedError } from '../errors';

/** A worker could not start: its script failed to load or run (bad URL, script error, CSP), or it never answered. */
export class WorkerStartError extends OmniEmbedError {
  readonly url: string;
  constructor(url: string, detail: string) {
    super('worker_start_failed', `the embed worker (${url}) could not start: ${detail}`);
    this.name = 'WorkerStartError';
    this.url = url;
  }
}

/**
 * An input was in flight on two workers that both died (or hung): it is treated as a poison input
 * and rejected alone, so it cannot take the rest of the pool down. `input` describes it.
 */
export class WorkerCrashedError extends OmniEmbedError {
  readonly input: string;
  constructor(input: string, reason: string) {
    super('worker_crashed', `embedding ${input} killed two workers (last: ${reason}); it was rejected so the other calls can go on`);
    this.name = 'WorkerCrashedError';
    this.input = input;
  }
}

/** No worker is left and none could be started again: the embedder cannot serve calls. */
export class WorkerUnavailableError extends OmniEmbedError {
  constructor(detail: string) {
    super('worker_unavailable', `no embed worker is running: ${detail}`);
    this.name = 'WorkerUnavailableError';
  }
}

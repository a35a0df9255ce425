// Errors of the Node entry and the CLI. Each sets `name` explicitly (minifiers rename classes).
// Worker deaths reuse the page's WorkerCrashedError/WorkerUnavailableError (src/api/errors.ts), so
// the same failure has the same class in a browser and on a server.
import { OmniEmbedError, type ErrorCode } from '../errors';

/**
 * Codes only the server side throws. They are not (yet) in the root ErrorCode union, which lives
 * in a file owned elsewhere; `code()` is the one place they are widened to it.
 */
export type NodeErrorCode = 'node_dependency_missing' | 'catalog_db_failed' | 'cli_usage';
const code = (c: NodeErrorCode) => c as unknown as ErrorCode;

/** An optional peer dependency of omni-embed/node (onnxruntime-node, sharp, @electric-sql/pglite) is not installed. */
export class NodeDependencyError extends OmniEmbedError {
  readonly dependency: string;
  constructor(dependency: string, why: string, cause?: unknown) {
    super(code('node_dependency_missing'), `omni-embed/node needs ${dependency} for ${why}: npm install --save-exact ${dependency}`, cause === undefined ? undefined : { cause });
    this.name = 'NodeDependencyError';
    this.dependency = dependency;
  }
}

/** The vector database refused an operation (schema, dims, SQL). */
export class CatalogDbError extends OmniEmbedError {
  constructor(message: string, cause?: unknown) {
    super(code('catalog_db_failed'), message, cause === undefined ? undefined : { cause });
    this.name = 'CatalogDbError';
  }
}

/** The CLI was called wrongly (unknown command, missing argument, bad flag). */
export class CliUsageError extends OmniEmbedError {
  constructor(message: string) {
    super(code('cli_usage'), message);
    this.name = 'CliUsageError';
  }
}

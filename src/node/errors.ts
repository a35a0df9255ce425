// Errors of the Node entry and the CLI. Each sets `name` explicitly (minifiers rename classes).
// Worker deaths reuse the page's WorkerCrashedError/WorkerUnavailableError (src/api/errors.ts), so
// the same failure has the same class in a browser and on a server.
import { OmniEmbedError } from '../errors';

/** An optional peer dependency of omni-embed/node (onnxruntime-node, sharp, @electric-sql/pglite) is not installed. */
export class NodeDependencyError extends OmniEmbedError {
  readonly dependency: string;
  constructor(dependency: string, why: string, cause?: unknown) {
    super('node_dependency_missing', `omni-embed/node needs ${dependency} for ${why}: npm install --save-exact ${dependency}`, cause === undefined ? undefined : { cause });
    this.name = 'NodeDependencyError';
    this.dependency = dependency;
  }
}

/** The vector database refused an operation (schema, dims, SQL). */
export class CatalogDbError extends OmniEmbedError {
  constructor(message: string, cause?: unknown) {
    super('catalog_db_failed', message, cause === undefined ? undefined : { cause });
    this.name = 'CatalogDbError';
  }
}

/** The CLI was called wrongly (unknown command, missing argument, bad flag). */
export class CliUsageError extends OmniEmbedError {
  constructor(message: string) {
    super('cli_usage', message);
    this.name = 'CliUsageError';
  }
}

// omni-embed/node/catalog: the server's vector database (PostgreSQL + pgvector; PGlite embedded).
export { Catalog, openCatalog, toSqlVector, type CatalogHit, type CatalogRow, type OpenCatalogOptions, type SqlClient } from './pgvector';
export { CatalogDbError } from '../errors';

/**
 * What the interest and semantic-ID helpers read from an index: its dims and stored vectors. Any
 * `VectorIndex<M>` fits, whatever its metadata type, without `VectorIndex<any>` in a public signature.
 */
export interface VectorLookup {
  readonly dims: number;
  get(id: string): { vector: Float32Array } | undefined;
  ids(): string[];
}

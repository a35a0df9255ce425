import { InvalidOptionError } from '../errors';
import { ModelSourceError } from './errors';

/** Weight formats, named as on the Hugging Face hub (and in transformers.js). */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** File-name suffix of each dtype in the hub layout: `onnx/<graph><suffix>.onnx`. */
export const DTYPE_SUFFIX: Readonly<Record<Dtype, string>> = Object.freeze({
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
});

export const DTYPES = Object.freeze(Object.keys(DTYPE_SUFFIX) as Dtype[]);

export function isDtype(x: unknown): x is Dtype {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SUFFIX, x);
}

/** `onnxPath('text_model', 'q4')` → `'onnx/text_model_q4.onnx'`. */
export function onnxPath(graph: string, dtype: Dtype): string {
  if (!isDtype(dtype)) throw new ModelSourceError(`Unknown dtype "${String(dtype)}"; expected one of ${DTYPES.join(', ')}`);
  if (!/^[\w.-]+$/.test(graph)) throw new ModelSourceError(`Invalid graph name "${graph}"`);
  return `onnx/${graph}${DTYPE_SUFFIX[dtype]}.onnx`;
}

/** The dtypes a folder carries for every one of graphs (the package's copy of omni-tiny ships q8 only). */
export function completeDtypes(graphs: string[], has: (path: string) => boolean): Dtype[] {
  return DTYPES.filter((d) => graphs.every((g) => has(onnxPath(g, d))));
}

/** Asked for a dtype the folder lacks: said before anything is fetched, with where the others are. */
export function unshippedDtypeError(dtype: Dtype, shipped: readonly Dtype[]): InvalidOptionError {
  return new InvalidOptionError(`dtype '${dtype}' is not among the files this model ships (${shipped.join(', ')}); `
    + 'for other variants serve the full model folder (models/omni-tiny in the omni-embed repository) and pass modelUrl (in Node: modelDir)');
}

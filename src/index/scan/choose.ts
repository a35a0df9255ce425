import { IndexError } from '../errors';
import { simdKernels } from '../simd';
import { binaryScanner } from './binary';
import { referenceScanner } from './reference';
import { wasmScanner } from './wasm';
import type { Ivf } from '../ivf/ivf';
import type { VectorStore } from '../store';
import type { DevicePreference, SearchOptions, StorageFormat } from '../types';
import type { GpuBackend } from './gpu';
import type { ThreadedScanner } from './threads';
import type { Scanner } from './types';

export type Backend = 'cpu' | 'gpu';

/** What the choice of a scan depends on: the index's settings and what it has (GPU, workers, IVF lists). */
export interface Chooser {
  store: VectorStore;
  storage: StorageFormat;
  device: DevicePreference;
  gpu: GpuBackend;
  threaded: ThreadedScanner | null;
  ivf: Ivf | null;
  gpuMinVectors: number | undefined;
}

/** The backend a search with preference `pref` uses: the GPU only for float32/int8, and under 'auto' only from gpuMinVectors on. */
export function pickBackend(c: Chooser, pref: DevicePreference): Backend {
  if (c.storage === 'binary') return 'cpu';
  if (pref === 'cpu') return 'cpu';
  if (pref === 'gpu') return 'gpu';
  if (c.device === 'cpu') return 'cpu';
  if (c.device === 'gpu') return 'gpu';
  if (!c.gpu.ready) return 'cpu';
  return c.store.count >= (c.gpuMinVectors ?? 20000) ? 'gpu' : 'cpu';
}

/** The first-stage scanner of one search: IVF lists when trained (unless `exact`), else the exact scans. */
export async function pickScanner(c: Chooser, o: SearchOptions<never>): Promise<Scanner> {
  const s = c.store;
  const prefilter = o.prefilter === 'hamming' ? 'hamming' : 'asymmetric';
  if (c.ivf && !o.exact) return c.ivf.scanner(o.nprobe, prefilter);
  if (c.storage === 'binary') return binaryScanner({ prefilter }, c.threaded);
  if (pickBackend(c, o.device ?? 'auto') === 'gpu') {
    if (await c.gpu.acquire()) return c.gpu;
    if ((o.device ?? c.device) === 'gpu') throw new IndexError('index_gpu_unavailable', 'WebGPU is not available here');
  }
  if (!s.arena || !simdKernels()) return referenceScanner;
  return c.threaded?.usable(s) ? c.threaded : wasmScanner;
}

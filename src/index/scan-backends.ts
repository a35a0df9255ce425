import { GpuBackend } from './scan/gpu';
import { ThreadedScanner, threadsAvailable } from './scan/threads';
import { simdKernels } from './simd';
import { VectorStore } from './store';
import type { Ivf } from './ivf/ivf';
import type { Chooser } from './scan/choose';
import type { CreateIndexOptions, DevicePreference, StorageFormat } from './types';

/**
 * What an index scans with: its store (the scanned plane in shared memory when index workers read
 * it), the index workers (more than one thread, cross-origin isolated pages only) and the GPU mirror.
 */
export class ScanBackends {
  readonly store: VectorStore;
  readonly gpu: GpuBackend;
  readonly threaded: ThreadedScanner | null;

  constructor(
    private readonly options: CreateIndexOptions,
    private readonly storage: StorageFormat,
    private readonly device: DevicePreference,
  ) {
    const hc = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
    const threads = threadsAvailable() ? Math.min(8, options.threads ?? hc) : 1;
    this.threaded = threads > 1 ? new ThreadedScanner(threads) : null;
    this.store = new VectorStore(options.dims, storage, options.kernels ?? 'auto', threads > 1);
    this.gpu = new GpuBackend(this.store, device, options.gpuDevice, options.gpuShardBytes);
  }

  /** What picking a scanner (scan/choose.ts) looks at, with the index's IVF lists now. */
  chooser(ivf: Ivf | null): Chooser {
    return { store: this.store, storage: this.storage, device: this.device, gpu: this.gpu, threaded: this.threaded, ivf, gpuMinVectors: this.options.gpuMinVectors };
  }

  /** The CPU kernel a search runs now. */
  get cpuKernel(): 'relaxed-simd' | 'simd' | 'js' {
    const a = this.store.arena;
    return !a || !simdKernels() ? 'js' : a.relaxed && this.storage === 'int8' ? 'relaxed-simd' : 'simd';
  }

  /** Threads a search uses now. */
  get searchThreads(): number {
    return this.threaded?.usable(this.store) && this.store.arena && simdKernels() ? this.threaded.threads : 1;
  }
}

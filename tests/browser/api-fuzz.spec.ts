// A seeded fuzz of the public API: random inputs and options through embed, embedBatch and the
// index. Every call must settle within a bound, either with a finite unit vector (or a sane index
// answer) or with a typed OmniEmbedError / AbortError; a known-good call gives the same vector after.
import { test, expect } from './fixtures';
import { seededRandom } from '../helpers/random';

const SEED = 20261201;
const CASES = 300;
/** Per call: far above any honest call here, far below "hangs". */
const BOUND_MS = 30_000;

type InputKind =
  | 'text' | 'emptyText' | 'spaces' | 'longText' | 'number' | 'null' | 'undefined' | 'emptyObject' | 'array'
  | 'pcm' | 'pcmBadRate' | 'pcmEmpty' | 'pcmNotFloat' | 'pngBlob' | 'garbageImage' | 'untypedBlob' | 'imageData'
  | 'frames' | 'noFrames' | 'omni' | 'omniBadText' | 'omniEmpty' | 'wavBlob' | 'garbageAudio';
const INPUTS: InputKind[] = ['text', 'emptyText', 'spaces', 'longText', 'number', 'null', 'undefined', 'emptyObject', 'array', 'pcm', 'pcmBadRate', 'pcmEmpty',
  'pcmNotFloat', 'pngBlob', 'garbageImage', 'untypedBlob', 'imageData', 'frames', 'noFrames', 'omni', 'omniBadText', 'omniEmpty', 'wavBlob', 'garbageAudio'];
type OptionKind = 'none' | 'dims128' | 'dims7' | 'dimsString' | 'roleQuery' | 'roleBad' | 'aborted' | 'abortSoon' | 'signalFake' | 'instruction' | 'null';
const OPTIONS: OptionKind[] = ['none', 'none', 'none', 'dims128', 'dims7', 'dimsString', 'roleQuery', 'roleBad', 'aborted', 'abortSoon', 'signalFake', 'instruction', 'null'];
type IndexOp = 'addGood' | 'addNaN' | 'addShort' | 'addArray' | 'addDup' | 'search' | 'searchBadK' | 'remove' | 'removeUnknown';
const INDEX_OPS: IndexOp[] = ['addGood', 'addGood', 'addNaN', 'addShort', 'addArray', 'addDup', 'search', 'searchBadK', 'remove', 'removeUnknown'];

interface Case { call: 'embed' | 'batch' | 'batchNotArray' | 'index'; inputs: InputKind[]; option: OptionKind; op: IndexOp; seed: number }

function makeCases(): Case[] {
  const r = seededRandom(SEED);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: CASES }, () => {
    const call = pick(['embed', 'embed', 'embed', 'batch', 'batchNotArray', 'index', 'index'] as const);
    return { call, inputs: Array.from({ length: call === 'batch' ? 1 + Math.floor(r() * 4) : 1 }, () => pick(INPUTS)), option: pick(OPTIONS), op: pick(INDEX_OPS), seed: Math.floor(r() * 2 ** 31) };
  });
}

test(`seeded API fuzz (${CASES} cases, seed ${SEED}): every call settles, with a unit vector or a typed error`, async ({ served }) => {
  test.setTimeout(600_000);
  const report = await served.evaluate(async ({ cases, boundMs }) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm' });
    const index = await omni.createIndex({ dims: e.info.dims });
    const png = await fetch('/data/heldout/images/img000.png').then((r) => r.blob());
    const wav = await fetch('/data/heldout/audio/aud078.wav').then((r) => r.blob());
    const known = await e.embed('a red circle in the top left');
    let ids = 0;

    function input(kind: string, r: () => number): unknown {
      const noise = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
      switch (kind) {
        case 'text': return `a ${r() < 0.5 ? 'red' : 'blue'} shape ${Math.floor(r() * 1000)}`;
        case 'emptyText': return '';
        case 'spaces': return '   \n\t ';
        case 'longText': return 'word '.repeat(100 + Math.floor(r() * 900));
        case 'number': return r() * 100;
        case 'null': return null;
        case 'undefined': return undefined;
        case 'emptyObject': return {};
        case 'array': return [1, 2, 3];
        case 'pcm': return { samples: noise(800 + Math.floor(r() * 32000)), sampleRate: [8000, 16000, 22050, 44100, 48000][Math.floor(r() * 5)] };
        case 'pcmBadRate': return { samples: noise(1600), sampleRate: [0, -1, NaN, Infinity, 1e9, '16000'][Math.floor(r() * 6)] };
        case 'pcmEmpty': return { samples: new Float32Array(0), sampleRate: 16000 };
        case 'pcmNotFloat': return { samples: [0.1, 0.2], sampleRate: 16000 };
        case 'pngBlob': return png;
        case 'garbageImage': return new Blob([Uint8Array.from({ length: 1 + Math.floor(r() * 4000) }, () => Math.floor(r() * 256))], { type: 'image/png' });
        case 'untypedBlob': return new Blob([new Uint8Array(64)]);
        case 'imageData': { const w = 1 + Math.floor(r() * 96), h = 1 + Math.floor(r() * 96); return new ImageData(Uint8ClampedArray.from({ length: w * h * 4 }, () => Math.floor(r() * 256)), w, h); }
        case 'frames': return { frames: Array.from({ length: 1 + Math.floor(r() * 9) }, () => new ImageData(16, 16)) };
        case 'noFrames': return { frames: [] };
        case 'omni': return { text: 'a green square', image: png, ...(r() < 0.5 ? { audio: { samples: noise(8000), sampleRate: 16000 } } : {}) };
        case 'omniBadText': return { text: 7, image: png };
        case 'omniEmpty': return { text: '' };
        case 'wavBlob': return wav;
        case 'garbageAudio': return new Blob([Uint8Array.from({ length: 2000 }, () => Math.floor(r() * 256))], { type: 'audio/wav' });
      }
      throw new Error(`unknown input kind ${kind}`);
    }
    function options(kind: string): unknown {
      switch (kind) {
        case 'none': return undefined;
        case 'dims128': return { dims: 128 };
        case 'dims7': return { dims: 7 };
        case 'dimsString': return { dims: '128' };
        case 'roleQuery': return { role: 'query' };
        case 'roleBad': return { role: 'boss' };
        case 'aborted': { const c = new AbortController(); c.abort(); return { signal: c.signal }; }
        case 'abortSoon': { const c = new AbortController(); setTimeout(() => c.abort(), 1); return { signal: c.signal }; }
        case 'signalFake': return { signal: { aborted: false } };
        case 'instruction': return { instruction: 'Represent this for retrieval: ' };
        case 'null': return null;
      }
      throw new Error(`unknown option kind ${kind}`);
    }
    const isUnit = (v: unknown) => v instanceof Float32Array && v.length > 0 && v.every(Number.isFinite) && Math.abs(Math.hypot(...v) - 1) < 1e-3;
    function judge(value: unknown, call: string): string | null {
      const vectors = call === 'batch' ? value as { vector: Float32Array }[] : call === 'index' ? [] : [value as { vector: Float32Array }];
      for (const v of vectors) if (!isUnit(v?.vector)) return 'not a finite unit vector';
      return null;
    }
    async function indexOp(op: string, r: () => number): Promise<unknown> {
      const v = Float32Array.from({ length: e.info.dims }, () => r() * 2 - 1);
      switch (op) {
        case 'addGood': return index.add({ id: `id${ids++}`, vector: v });
        case 'addNaN': v[Math.floor(r() * v.length)] = NaN; return index.add({ id: `nan${ids++}`, vector: v });
        case 'addShort': return index.add({ id: `short${ids++}`, vector: v.subarray(0, 5) });
        case 'addArray': return index.add({ id: `arr${ids++}`, vector: Array.from(v) as never });
        case 'addDup': return index.add({ id: ids ? 'id0' : `id${ids++}`, vector: v });
        case 'search': {
          const hits = await index.search(v, { k: 1 + Math.floor(r() * 20) });
          if (!Array.isArray(hits) || hits.some((h) => typeof h.id !== 'string' || !Number.isFinite(h.score))) throw new Error('malformed search result');
          return hits;
        }
        case 'searchBadK': return index.search(v, { k: [0, -3, 1.5, NaN][Math.floor(r() * 4)]! });
        case 'remove': return ids ? index.remove(`id${Math.floor(r() * ids)}`) : undefined;
        case 'removeUnknown': return index.remove('never-added');
      }
      throw new Error(`unknown op ${op}`);
    }

    const problems: string[] = [];
    const outcomes: Record<string, number> = {};
    for (const [n, c] of cases.entries()) {
      const r = testRandom(c.seed);
      let run: () => Promise<unknown>;
      if (c.call === 'index') run = () => indexOp(c.op, r);
      else if (c.call === 'batchNotArray') run = () => e.embedBatch(input(c.inputs[0]!, r) as never, options(c.option) as never);
      else if (c.call === 'batch') run = () => e.embedBatch(c.inputs.map((k) => input(k, r)) as never, options(c.option) as never);
      else run = () => e.embed(input(c.inputs[0]!, r) as never, options(c.option) as never);
      const t0 = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((res) => { timer = setTimeout(() => res('timeout'), boundMs); });
      const settled = await Promise.race([
        (async () => { try { return { ok: true as const, value: await run() }; } catch (err) { return { ok: false as const, err }; } })(),
        timeout,
      ]);
      clearTimeout(timer);
      const label = `#${n} ${c.call}(${c.inputs.join(',')}${c.call === 'index' ? c.op : ''}, ${c.option})`;
      if (settled === 'timeout') { problems.push(`${label}: did not settle within ${boundMs} ms`); continue; }
      if (settled.ok) {
        const bad = judge(settled.value, c.call);
        if (bad) problems.push(`${label}: ${bad}`);
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } else {
        const err = settled.err as { name?: string; code?: string; message?: string };
        const typed = err instanceof omni.OmniEmbedError && typeof err.code === 'string' && err.name !== 'Error' && !!err.message;
        const aborted = err instanceof DOMException && err.name === 'AbortError';
        if (!typed && !aborted) problems.push(`${label}: untyped ${String(err?.name)}: ${String(err?.message)}`);
        const key = aborted ? 'AbortError' : String(err?.code);
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      if (performance.now() - t0 > boundMs) problems.push(`${label}: slow`);
    }
    const after = await e.embed('a red circle in the top left');
    const cos = known.vector.reduce((s, x, k) => s + x * after.vector[k]!, 0);
    await e.dispose();
    return { problems, outcomes, cos };
  }, { cases: makeCases(), boundMs: BOUND_MS });
  expect(report.problems).toEqual([]);
  // The fuzz really reached both sides: successes and several distinct typed failures.
  expect(report.outcomes.ok, JSON.stringify(report.outcomes)).toBeGreaterThan(CASES / 10);
  expect(Object.keys(report.outcomes).length).toBeGreaterThanOrEqual(5);
  expect(report.cos).toBeGreaterThan(1 - 1e-6);
});

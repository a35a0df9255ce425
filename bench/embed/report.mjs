// Renders bench/embed/results.json as the Markdown between <!-- embed:start --> and <!-- embed:end -->
// in docs/benchmarks.md (other sections of that file are left untouched).
//   node bench/embed/report.mjs   re-renders the section from the committed results.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const START = '<!-- embed:start -->';
const END = '<!-- embed:end -->';

const f1 = (x) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const range = (s) => (s ? `${f1(s.median)} (${f1(s.min)}–${f1(s.max)})` : '–');
const ratio = (x) => (x == null ? '–' : `${x.toFixed(2)}×`);
const mib = (b) => (b == null ? '–' : `${(b / 2 ** 20).toFixed(1)} MiB`);
const pct = (x) => (x == null ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const KIND = { text: 'captions (text)', image: 'images', audio: 'audio clips' };
const TARGET = { wasm: { text: 2, image: 2 }, webgpu: { text: 1.5, image: 1.5, audio: 1.5 } };

export function renderMarkdown(out) {
  const L = [];
  const v = out.versions ?? {};
  const m = out.machine ?? {};
  L.push('## omni-embed vs transformers.js (same model, same browser, same page)');
  L.push('');
  L.push(`Reproduce: \`npm run bench\` (all suites) or \`${out.command}\` for this run` + (out.quick ? ' (**quick mode: reduced counts**)' : '') + `. Raw numbers: [bench/embed/results.json](../bench/embed/results.json). ${out.date?.slice(0, 16).replace('T', ' ')} UTC.`);
  L.push('');
  L.push(`- **Machine**: ${m.cpus} cores (${m.cpuModel ?? '?'}; navigator.hardwareConcurrency ${m.hardwareConcurrency ?? '?'}), ${m.memGiB} GiB, ${m.platform}; shared with other jobs, so absolute times are noisy — compare the ratios, each taken from runs adjacent in time.`);
  L.push(`- **Browser**: headless Chromium ${v.chromium} (Playwright), crossOriginIsolated=${m.crossOriginIsolated}. **WebGPU adapter**: ${out.gpu ? `${out.gpu.vendor || '?'} ${out.gpu.architecture || ''} ${out.gpu.description || ''}`.trim() : 'none'}${out.gpu && /swiftshader/i.test(JSON.stringify(out.gpu)) ? ' — SwiftShader, a CPU emulation of a GPU: WebGPU figures say nothing about real GPUs and use reduced counts' : ''}.`);
  L.push(`- **Versions**: omni-embed ${v.omniEmbed} (${v.omniEmbedCommit}${v.srcDirty ? ', with uncommitted src/ changes' : ''}) on onnxruntime-web ${v.ortForOmni}; @huggingface/transformers ${v.transformers} on its own onnxruntime-web ${v.ortForTransformers}; Node ${v.node}.`);
  L.push(`- **Model**: omni-tiny, ${out.dtype} graphs (\`onnx/{text,vision,audio}_model.onnx\`) for both libraries, served from the local server. Inputs: data/heldout captions, 64×64 PNGs and 16 kHz WAVs, cycled to the counts below.`);
  L.push('- **Setup**: omni-embed: `createEmbedder({ device, dtype, modelUrl, wasmPaths })` with its defaults (WASM: `min(2, cores)` workers × 1 ORT thread, micro-batching), all inputs submitted at once as individual `embed()` calls. transformers.js: its own classes — `CLIPTextModelWithProjection`/`CLIPVisionModelWithProjection`/`ClapAudioModelWithProjection` + `AutoTokenizer`/`AutoImageProcessor`/`ClapFeatureExtractor` — in dedicated module workers, batches of 64 texts / 16 images / 8 clips, images decoded in the worker (`RawImage.fromBlob`), audio decoded on the page with Web Audio at 16 kHz (what its `read_audio` does) inside the timed region, vectors L2-normalised like ours, fully offline (`allowRemoteModels = false`, `localModelPath = \'/models/\'` — a path, because 4.3.1\'s file probe skips http(s) URLs and then fails to find `tokenizer_config.json` — and `wasmPaths` on its own served ORT files). It has no worker pool, so we gave it one: one worker per core with one ORT thread each (batches pulled from a shared queue) — faster for it here than its usual single worker with ORT threads = cores, which is also measured. Each WASM ratio is against the faster of the two; start-up uses one transformers.js worker (one thread), WebGPU one worker per library.');
  L.push('- **Figures**: median (min–max) over the runs shown; ratio = omni-embed ÷ transformers.js per adjacent pair of runs, then the median (min–max) of those ratios. > 1× means omni-embed is better.');
  L.push('');

  L.push('### Throughput (items/s, higher is better)');
  L.push('');
  L.push('| Workload | Device | Items | Runs | omni-embed | transformers.js, pool: 1 worker/core × 1 thread | transformers.js, 1 worker × ORT threads = cores | Ratio vs the faster transformers.js setup | Target | Met |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|:-:|');
  for (const [device, res] of Object.entries(out.throughput ?? {})) {
    for (const [kind, k] of Object.entries(res.kinds ?? {})) {
      const target = TARGET[device]?.[kind];
      const met = target && k.ratio ? (k.ratio.median >= target ? 'yes' : 'no') : '–';
      const err = (lib) => (k.errors?.[lib] ? ` (failed: ${k.errors[lib].split('\n')[0].slice(0, 160)})` : '');
      const r = k.ratio ? `${ratio(k.ratio.median)} (${k.ratio.min.toFixed(2)}–${k.ratio.max.toFixed(2)})${k.bestTjs ? ` vs ${k.bestTjs === 'tjs' ? 'pool' : '1 worker'}` : ''}` : '–';
      const alt = k['tjs-1w2tStats'] ? range(k['tjs-1w2tStats']) : device === 'webgpu' ? 'n/a (1 worker)' : '–';
      const runs = [k.omni?.length, k.tjs?.length, k['tjs-1w2t']?.length].filter((x) => x != null).join('+');
      L.push(`| ${KIND[kind] ?? kind} | ${device} | ${k.n} | ${runs} | ${range(k.omniStats)}${err('omni')} | ${range(k.tjsStats)}${err('tjs')} | ${alt} | ${r} | ${target ? `≥ ${target}×` : '–'} | ${met} |`);
    }
  }
  const same = Object.entries(out.throughput ?? {}).flatMap(([d, r]) => Object.entries(r.kinds ?? {}).map(([kind, k]) => {
    const a = k.omni?.[0]?.first, b = k.tjs?.[0]?.first;
    return a && b ? Math.max(...a.map((x, i) => Math.abs(x - b[i]))) : null;
  })).filter((x) => x != null);
  const gpuCounts = out.throughput?.webgpu?.counts;
  if (gpuCounts && !gpuCounts.audio) L.push('| audio clips | webgpu | – | – | not run | not run | – | ≥ 1.5× | – |');
  L.push('');
  if (out.throughput?.webgpu) L.push(`WebGPU rows: ${out.throughput.webgpu.isolation ?? ''}, one worker per library (transformers.js\'s figure sits in the pool column); audio on WebGPU is not run by default (\`--gpu-audio N\` enables it): on SwiftShader, omni-embed's audio graph took over 6 minutes for 2 clips and the browser then crashed.`);
  if (same.length) L.push(`Same work: the first vector of every workload agrees between the two libraries to ${Math.max(...same).toExponential(1)} (largest absolute difference over its first 4 components).`);
  if (out.errors) L.push(`Suites that failed in this run: ${Object.entries(out.errors).map(([k, e]) => `${k} (${e})`).join('; ')}.`);
  L.push('');

  const lt = out.throughput?.wasm?.kinds?.text;
  if (lt) {
    L.push(`### Main-thread long tasks (> 50 ms) during the ${lt.n}-caption batch (WASM)`);
    L.push('');
    L.push('| Library | Long tasks per run | Total long-task time per run (ms) | Worst frame gap (ms) |');
    L.push('|---|---|---|---|');
    for (const lib of ['omni', 'tjs']) {
      const runs = lt[lib] ?? [];
      L.push(`| ${lib === 'omni' ? 'omni-embed' : 'transformers.js'} | ${runs.map((r) => r.longTasks).join(', ') || '–'} | ${runs.map((r) => r.longTaskMs).join(', ') || '–'} | ${runs.map((r) => r.maxFrameGapMs).join(', ') || '–'} |`);
    }
    const all = Object.entries(out.throughput ?? {}).flatMap(([d, r]) => Object.entries(r.kinds ?? {}).map(([kind, k]) => `${d}/${kind}: ${(k.omni ?? []).reduce((s, t) => s + t.longTasks, 0)}`));
    L.push('');
    L.push(`omni-embed long tasks summed over all runs of every throughput workload: ${all.join(', ')}.`);
    L.push('');
  }

  if (out.latency) {
    const l = out.latency;
    L.push(`### Single-query latency (ms, lower is better; ${l.device}, one request at a time after warm-up)`);
    L.push('');
    L.push('| Query | Samples | omni-embed | transformers.js | Ratio (tjs ÷ omni) |');
    L.push('|---|---:|---:|---:|---:|');
    for (const [kind, k] of Object.entries(l.kinds)) L.push(`| one ${kind === 'text' ? 'caption' : kind} | ${k.omni.length}+${k.tjs.length} | ${range(k.omniStats)} | ${range(k.tjsStats)} | ${ratio(k.ratio)} |`);
    L.push('');
  }

  if (out.start) {
    const s = out.start;
    L.push(`### Start to first text embedding (ms, lower is better; ${s.device}, ${s.runs} runs each)`);
    L.push('');
    L.push('Cold: a fresh browser context (empty HTTP cache, Cache API and storage), so the runtime and model are fetched from the local server. Warm: a second page in the same context (the server sends `Cache-Control: no-store`, so only what the library itself keeps in the Cache API is reused). Includes importing the library, starting its worker(s) and ORT, and one embedding.');
    L.push('');
    L.push('| Start | omni-embed | transformers.js | Ratio (tjs ÷ omni) |');
    L.push('|---|---:|---:|---:|');
    L.push(`| cold | ${range(s.omni.coldStats)} | ${range(s.tjs.coldStats)} | ${ratio(s.ratio.cold)} |`);
    L.push(`| warm | ${range(s.omni.warmStats)} | ${range(s.tjs.warmStats)} | ${ratio(s.ratio.warm)} |`);
    L.push('');
  }

  if (out.memory) {
    const mm = out.memory;
    L.push(`### Memory (${mm.device}; text embeds in concurrent batches of 100; one library per page)`);
    L.push('');
    L.push('`performance.measureUserAgentSpecificMemory()` covers the page and all its workers; `performance.memory` is the page\'s own JS heap only and is read without a GC, so its growth for transformers.js is uncollected result arrays on the page (not retained: the all-realms figure, taken after a GC, stays flat). transformers.js here is the 2-worker pool, i.e. two model copies.');
    L.push('');
    L.push(`| Library | All realms after ${mm.after[0]} | after ${mm.after[1]} | Growth | Page heap after ${mm.after[0]} | after ${mm.after[1]} | Growth |`);
    L.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const lib of ['omni', 'tjs']) {
      const r = mm[lib];
      if (!r) continue;
      const a = r.samples[0], b = r.samples[r.samples.length - 1];
      L.push(`| ${lib === 'omni' ? 'omni-embed' : 'transformers.js'} | ${mib(a?.uaBytes)} | ${mib(b?.uaBytes)} | ${pct(r.growthUa)} | ${mib(a?.mainHeapUsed)} | ${mib(b?.mainHeapUsed)} | ${pct(r.growthMainHeap)} |`);
    }
    L.push('');
    L.push(`GPU buffer memory: ${mm.gpu}.`);
    L.push('');
  }

  const analysis = resolve(root, 'bench/embed/analysis.md');
  if (existsSync(analysis)) {
    L.push(readFileSync(analysis, 'utf8').trim());
    L.push('');
  }
  return L.join('\n');
}

export function writeSection(file, body) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${START}\n${body.trim()}\n${END}`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + END.length);
  else text = text.trimEnd() + '\n\n' + block + '\n';
  writeFileSync(file, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = JSON.parse(readFileSync(resolve(root, 'bench/embed/results.json'), 'utf8'));
  writeSection(resolve(root, 'docs/benchmarks.md'), renderMarkdown(out));
  console.log('docs/benchmarks.md: embed section rendered from bench/embed/results.json');
}

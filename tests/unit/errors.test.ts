// Errors keep their identity across the page↔worker boundary and under minification.
import { describe, expect, it } from 'vitest';
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { ERROR_CLASSES, fromWire, toWire } from '../../src/contract/errors';
import { OmniEmbedError } from '../../src/errors';
import { ModelNotFoundError, NetworkError } from '../../src/models/errors';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Constructor arguments that every error class accepts (they only format strings). */
const ARGS = ['http://h/m/onnx/x.onnx', 'cut', 'detail', 'more'] as never[];

describe('error transport (src/contract/errors.ts)', () => {
  it('re-creates every class with the same name, code, message and fields', () => {
    for (const [name, Class] of Object.entries(ERROR_CLASSES)) {
      const original = new (Class as new (...a: never[]) => OmniEmbedError)(...ARGS);
      // Structured clone is what postMessage does to the wire form.
      const copy = fromWire(structuredClone(toWire(original)));
      expect(copy, name).toBeInstanceOf(Class);
      expect(copy, name).toBeInstanceOf(OmniEmbedError);
      expect(copy, name).toBeInstanceOf(Error);
      expect({ name: copy.name, code: copy.code, message: copy.message }).toEqual({ name, code: original.code, message: original.message });
      expect({ ...copy }).toEqual({ ...original });
    }
  });

  it('keeps the loader fields apps read (url, status, transient, reason)', () => {
    const notFound = fromWire(structuredClone(toWire(new ModelNotFoundError('https://hub/x/config.json', 410))));
    expect(notFound).toBeInstanceOf(ModelNotFoundError);
    expect(notFound).toMatchObject({ code: 'model_not_found', url: 'https://hub/x/config.json', status: 410, transient: false });
    const cut = fromWire(structuredClone(toWire(new NetworkError('https://hub/x/a.onnx', 'cut', 'reset', 1234))));
    expect(cut).toMatchObject({ name: 'NetworkError', reason: 'cut', loaded: 1234, transient: true });
  });

  it('turns anything else a worker throws into a coded OmniEmbedError that says what it was', () => {
    const wire = toWire(new RangeError('offset is out of bounds'));
    const err = fromWire(structuredClone(wire));
    expect(err).toBeInstanceOf(OmniEmbedError);
    expect(err.code).toBe('embed_failed');
    expect(err.message).toBe('RangeError: offset is out of bounds');
    // An unknown class name from a newer worker still arrives as an OmniEmbedError with its code.
    const future = fromWire({ name: 'FutureError', code: 'invalid_input', message: 'm', fields: {} });
    expect(future).toBeInstanceOf(OmniEmbedError);
    expect(future.code).toBe('invalid_input');
  });
});

describe('error names survive minification', () => {
  it('a minified production build keeps every class name while renaming the classes themselves', async () => {
    const out = await build({
      root,
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: true,
        lib: { entry: fileURLToPath(new URL('../../src/contract/errors.ts', import.meta.url)), formats: ['es'], fileName: 'errors' },
        rolldownOptions: { external: ['comlink'] },
      },
    });
    const chunk = (Array.isArray(out) ? out[0]! : out as { output: unknown[] }).output[0] as { code: string };
    const code = chunk.code.replace(/import\s*\{[^}]*\}\s*from\s*["']comlink["'];?/, 'const transferHandlers = new Map();');
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const classes = mod.ERROR_CLASSES as Record<string, new (...a: never[]) => Error>;
    expect(Object.keys(classes).sort()).toEqual(Object.keys(ERROR_CLASSES).sort());
    const renamed = Object.entries(classes).filter(([name, Class]) => Class.name !== name);
    // Proof the build really minified: most class identifiers lost their names.
    expect(renamed.length).toBeGreaterThan(Object.keys(classes).length / 2);
    for (const [name, Class] of Object.entries(classes)) expect(new Class(...ARGS).name, name).toBe(name);
  }, 60_000);
});

describe('docs/api.md error table', () => {
  it('lists every code of the ErrorCode union', async () => {
    const { readFileSync } = await import('node:fs');
    // The union in src/errors.ts, with the index's and recommendation's lists it includes.
    const union = (file: string, type: string) => {
      const source = readFileSync(file, 'utf8');
      const start = source.indexOf(`export type ${type}`);
      return source.slice(start, source.indexOf(';', start));
    };
    const text = union('src/errors.ts', 'ErrorCode') + union('src/index/errors.ts', 'IndexErrorCode') + union('src/recommend/errors.ts', 'RecommendErrorCode');
    const codes = [...new Set([...text.matchAll(/\| '([a-z_]+)'/g)].map((m) => m[1]!))];
    expect(codes.length).toBeGreaterThan(30);
    const table = readFileSync('docs/api.md', 'utf8').split('\n').filter((l) => l.startsWith('| `'));
    const missing = codes.filter((c) => !table.some((row) => row.includes(`\`${c}\``)));
    expect(missing).toEqual([]);
  });
});

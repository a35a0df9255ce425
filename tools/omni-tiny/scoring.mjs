// Scoring shared by every omni-tiny evaluation, with no runtime attached: eval.mjs / eval_families.mjs embed
// with onnxruntime-node, eval_families_sdk.mjs with the SDK in Chromium, and all of them score here, so a
// difference between their tables comes from the embeddings, never from two copies of the scoring.
// Text embedding is passed in as `textFn(texts) → Promise<vector[]>`, called with exactly the batches the
// node evaluations always used (their numbers must stay byte-identical).

export function l2(v) {
  let s = 0;
  for (const x of v) s += x * x;
  s = Math.sqrt(s) || 1;
  return Float32Array.from(v, (x) => x / s);
}

/** For each query i: how many gallery items score strictly above its own match G[i] (0 = retrieved first). */
export function ranks(Q, G, dim) {
  const q = Q.map((x) => l2(x.slice(0, dim))), g = G.map((x) => l2(x.slice(0, dim)));
  return q.map((qi, i) => {
    const s = g.map((gj) => gj.reduce((acc, val, k) => acc + val * qi[k], 0));
    return s.filter((x) => x > s[i]).length;
  });
}
export const recall = (r, k) => r.filter((x) => x < k).length / r.length;
export function summary(r) {
  return { n: r.length, r1: recall(r, 1), r5: recall(r, 5), r10: recall(r, 10) };
}

/** Attribute probe: the caption with the right value must beat captions that differ in that attribute only. */
export async function probe(textFn, embs, its, field, values, capFn) {
  let ok = 0;
  for (let i = 0; i < its.length; i++) {
    const caps = values.map((val) => capFn({ ...its[i].attributes, [field]: val }));
    const te = (await textFn(caps)).map((x) => l2(x));
    const e = l2(embs[i]);
    const s = te.map((t) => t.reduce((a, x, k) => a + x * e[k], 0));
    if (values[s.indexOf(Math.max(...s))] === its[i].attributes[field]) ok++;
  }
  return { n: its.length, acc: ok / its.length, chance: 1 / values.length };
}

// ---------------------------------------------------------------- held-out families (heldout_families.py)
export const capShape = (a) => `a ${a.size} ${a.colour} ${a.shape} in the ${a.position}`;
export const capDigit = (a) => `a ${a.colour} handwritten digit ${a.digit}`;
export const capMotion = (a) => `a ${a.colour} ${a.shape} moving ${a.direction}`;
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'cyan', 'white'];
export const SHAPES = ['circle', 'square', 'triangle', 'star', 'diamond', 'cross'];
const DIRS = ['left', 'right', 'up', 'down'];
const OPP = { left: 'right', right: 'left', up: 'down', down: 'up' };

/** Ranks within each draw of a family (heldout_families.py renders every family several times over, each
 *  draw a gallery of the same size and makeup), pooled: R@1 means what it meant with one draw, over more queries. */
function drawRanks(its, t, e) {
  const draws = [...new Set(its.map((i) => i.draw ?? 0))];
  return draws.flatMap((d) => {
    const k = its.map((_, j) => j).filter((j) => (its[j].draw ?? 0) === d);
    return ranks(k.map((j) => t[j]), k.map((j) => e[j]));
  });
}

/** One family's row: text→X recall of its captions against its media `e`, plus the attribute probes. */
export async function familyRow(kind, its, e, textFn) {
  const t = await textFn(its.map((i) => i.caption));
  if (kind === 'audio') return { 'text→audio': summary(drawRanks(its, t, e)) };
  if (kind === 'video') {
    // the same probe scored against the opposite direction: how often the clip is read backwards
    const flipped = its.map((i) => ({ ...i, attributes: { ...i.attributes, direction: OPP[i.attributes.direction] } }));
    return {
      'text→video': summary(drawRanks(its, t, e)),
      probes: { direction: await probe(textFn, e, its, 'direction', DIRS, capMotion), reversed: await probe(textFn, e, flipped, 'direction', DIRS, capMotion) },
    };
  }
  const row = { 'text→image': summary(drawRanks(its, t, e)), probes: {} };
  const k = its.map((i, j) => j).filter((j) => its[j].attributes.type === 'shape');
  const shp = k.map((j) => its[j]), se = k.map((j) => e[j]);
  if (shp.length) {
    row.probes.colour = await probe(textFn, se, shp, 'colour', COLOURS, capShape);
    row.probes.shape = await probe(textFn, se, shp, 'shape', SHAPES, capShape);
    row.probes.size = await probe(textFn, se, shp, 'size', ['small', 'large'], capShape);
    row.probes.position = await probe(textFn, se, shp, 'position', ['top left', 'top right', 'bottom left', 'bottom right', 'center'], capShape);
  }
  const d = its.map((i, j) => j).filter((j) => its[j].attributes.type === 'digit');
  if (d.length) row.probes.digit = await probe(textFn, d.map((j) => e[j]), d.map((j) => its[j]), 'digit', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], capDigit);
  return row;
}

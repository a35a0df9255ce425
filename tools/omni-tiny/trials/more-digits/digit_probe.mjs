// Trial 13's digit diagnostic: is a digit's identity in the image embedding at all (a linear probe fitted on
// it), or there but badly aligned with the captions (the zero-shot caption probe)? Embeds the renders of
// digit_probe_render.py with OMNI_TINY_DIR's export (fp32), prints the zero-shot accuracy on the test split
// and hands the embeddings to scikit-learn's logistic regression (fit split → test split).
// Usage: OMNI_TINY_DIR=<export> node tools/omni-tiny/trials/more-digits/digit_probe.mjs RENDERS
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { imagePixels } from '../../lib.mjs';
import { imageEmb, textEmb } from '../../embed.mjs';
import { l2, capDigit } from '../../scoring.mjs';

const dir = process.argv[2];
const its = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
const emb = (await imageEmb('fp32', await Promise.all(its.map((i) => imagePixels(path.join(dir, i.file)))))).map((v) => Array.from(l2(v)));
const captions = {};
let right = 0;
const test = its.map((_, j) => j).filter((j) => its[j].split === 'test');
for (const j of test) {
  const c = its[j].colour;
  captions[c] ??= (await textEmb('fp32', [...Array(10).keys()].map((digit) => capDigit({ colour: c, digit })))).emb.map(l2);
  const s = captions[c].map((t) => t.reduce((a, x, k) => a + x * emb[j][k], 0));
  if (s.indexOf(Math.max(...s)) === its[j].digit) right++;
}
console.log(`zero-shot caption probe: ${(right / test.length).toFixed(3)} of ${test.length} held-out digits`);
fs.writeFileSync(path.join(dir, 'emb.json'), JSON.stringify(emb));
const fit = `
import json, numpy as np
from sklearn.linear_model import LogisticRegression
its = json.load(open('${dir}/index.json')); E = np.array(json.load(open('${dir}/emb.json')))
y = np.array([i['digit'] for i in its]); f = np.array([i['split'] == 'fit' for i in its])
m = LogisticRegression(max_iter=3000).fit(E[f], y[f])
print('linear probe on the image embedding: %.3f of %d held-out digits' % (m.score(E[~f], y[~f]), (~f).sum()))`;
process.stdout.write(execFileSync('/usr/bin/python3', ['-c', fit], { encoding: 'utf8' }));

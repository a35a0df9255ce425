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
import { l2, capDigit, probe } from '../../scoring.mjs';

const dir = process.argv[2];
const its = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
const emb = (await imageEmb('fp32', await Promise.all(its.map((i) => imagePixels(path.join(dir, i.file)))))).map((v) => Array.from(l2(v)));
// the families' own digit probe (scoring.probe): the caption naming the right digit must beat the other nine
const test = its.map((_, j) => j).filter((j) => its[j].split === 'test');
const textFn = async (texts) => (await textEmb('fp32', texts)).emb;
const zeroShot = await probe(textFn, test.map((j) => emb[j]), test.map((j) => ({ attributes: its[j] })), 'digit', [...Array(10).keys()], capDigit);
console.log(`zero-shot caption probe: ${zeroShot.acc.toFixed(3)} of ${zeroShot.n} held-out digits`);
fs.writeFileSync(path.join(dir, 'emb.json'), JSON.stringify(emb));
const fit = `
import json, sys, numpy as np
from sklearn.linear_model import LogisticRegression
its = json.load(open(sys.argv[1] + '/index.json')); E = np.array(json.load(open(sys.argv[1] + '/emb.json')))
y = np.array([i['digit'] for i in its]); f = np.array([i['split'] == 'fit' for i in its])
m = LogisticRegression(max_iter=3000).fit(E[f], y[f])
print('linear probe on the image embedding: %.3f of %d held-out digits' % (m.score(E[~f], y[~f]), (~f).sum()))`;
process.stdout.write(execFileSync('/usr/bin/python3', ['-c', fit, dir], { encoding: 'utf8' }));

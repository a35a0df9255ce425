// How does the shipped model hear a TTS voice? text->audio R@1 on the 30 control captions spoken by it.
// Usage (from the repo root): node tools/omni-tiny/trials/accented-voices/voicecheck.mjs VOICE... (festival voice
// names, or flite:NAME); WAVs go to $VC_OUT (default /tmp/vc). Needs the festvox packages named in build.sh.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { audioFeatures } from '../../lib.mjs';
import { textEmb, audioEmb, ranks, summary } from '../../embed.mjs';
const OUT = process.env.VC_OUT ?? '/tmp/vc';
fs.mkdirSync(OUT, { recursive: true });
const ix = JSON.parse(fs.readFileSync(new URL('../../../../data/heldout-families/index.json', import.meta.url), 'utf8'));
const its = ix.items.filter((i) => i.kind === 'audio' && i.family.startsWith('control'));
const voices = process.argv.slice(2);
const t = (await textEmb('fp32', its.map((i) => i.caption))).emb;
for (const v of voices) {
  const feats = [];
  for (const [k, i] of its.entries()) {
    const raw = `${OUT}/${v}_${k}_raw.wav`, out = `${OUT}/${v}_${k}.wav`;
    if (!fs.existsSync(out)) {
      if (v.startsWith('flite:')) execFileSync('flite', ['-voice', v.slice(6), '-t', i.spoken_text, '-o', raw]);
      else execFileSync('text2wave', ['-o', raw, '-eval', `(voice_${v})`], { input: i.spoken_text });
      execFileSync('sox', ['-D', raw, '-r', '16000', '-c', '1', '-b', '16', out]);
    }
    feats.push(await audioFeatures(out));
  }
  const e = await audioEmb('fp32', feats);
  const s = summary(ranks(t, e));
  console.log(v, 'R@1', s.r1.toFixed(3), 'R@5', s.r5.toFixed(3));
}

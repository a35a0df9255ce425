#!/usr/bin/python3
"""Generates hub-layout replicas of real models into a git-ignored folder, seeded, offline.

  /usr/bin/python3 tools/replicas/make.py [--model clip|siglip|clap] [--scale full|mini] [--towers text,vision|text,audio]
                                          [--variants ,_fp16,_quantized,...] [--fp16-io float32|float16]
                                          [--out .replicas]

Writes <out>/<scale>/<repo>/{config.json, preprocessor_config.json,
tokenizer.json, tokenizer_config.json, special_tokens_map.json, onnx/<tower><suffix>.onnx}.
A folder whose stamp matches the hash of this generator (code, scale, seed, fp16 I/O) keeps the
graphs it has and gains only the missing ones, so a second run costs nothing. See docs/replicas.md for what each file copies from the real repo.
"""

import argparse
import fcntl
import hashlib
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import onnx  # noqa: E402

import bpe  # noqa: E402
import clap  # noqa: E402
import clip  # noqa: E402
import roberta_bpe  # noqa: E402
import siglip  # noqa: E402
import unigram  # noqa: E402
from graph import VARIANTS, Variant  # noqa: E402

REPOS = {'clip': 'Xenova/clip-vit-base-patch32', 'siglip': 'Xenova/siglip-base-patch16-224', 'clap': 'Xenova/clap-htsat-unfused'}
TOWERS = {'clip': {'text': ('text_model', clip.text_model), 'vision': ('vision_model', clip.vision_model)},
          'siglip': {'text': ('text_model', siglip.text_model), 'vision': ('vision_model', siglip.vision_model)},
          'clap': {'text': ('text_model', clap.text_model), 'audio': ('audio_model', clap.audio_model)}}

# Modules each model's files come from (hashed into its stamp).
SOURCES = {'clip': ['clip.py', 'bpe.py'], 'siglip': ['siglip.py', 'unigram.py'], 'clap': ['clap.py', 'htsat.py', 'roberta_bpe.py', 'bpe.py']}


def repo_files(model, scale, seed):
    """The JSON files of the repo besides the graphs, by name."""
    if model == 'clap':
        return {'config.json': clap.config(scale), 'preprocessor_config.json': clap.PREPROCESSOR,
                'tokenizer.json': roberta_bpe.roberta_tokenizer(clap.TEXT['vocab_size'], seed),
                'tokenizer_config.json': roberta_bpe.TOKENIZER_CONFIG, 'special_tokens_map.json': roberta_bpe.SPECIAL_TOKENS}
    if model == 'siglip':
        return {'config.json': siglip.config(scale), 'preprocessor_config.json': siglip.PREPROCESSOR,
                'tokenizer.json': unigram.siglip_tokenizer(siglip.TEXT['vocab_size'], seed),
                'tokenizer_config.json': unigram.SIGLIP_TOKENIZER_CONFIG, 'special_tokens_map.json': unigram.SIGLIP_SPECIAL_TOKENS}
    return {'config.json': clip.config(scale), 'preprocessor_config.json': clip.PREPROCESSOR,
            'tokenizer.json': bpe.clip_tokenizer(clip.TEXT['vocab_size'], seed),
            'tokenizer_config.json': bpe.CLIP_TOKENIZER_CONFIG, 'special_tokens_map.json': bpe.CLIP_SPECIAL_TOKENS}


def generator_hash(args):
    h = hashlib.sha256()
    # The shared builder and this model's own modules: another model's generator changing does
    # not invalidate this one's files (gigabytes at full scale).
    for f in sorted({'make.py', 'graph.py', *SOURCES.get(args.model, [])}):
        with open(os.path.join(HERE, f), 'rb') as fh:
            h.update(f.encode() + fh.read())
    # Towers and variants are not part of it: a folder holds any subset of one generation.
    h.update(json.dumps([args.scale, args.seed, args.fp16_io]).encode())
    return h.hexdigest()[:16]


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', default='clip', choices=sorted(REPOS))
    p.add_argument('--scale', default='full', choices=sorted(clip.SCALES))
    p.add_argument('--towers', default='', help='comma-separated; default: every tower of the model')
    p.add_argument('--variants', default=','.join(VARIANTS), help="file suffixes; '' is fp32")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--fp16-io', default='float32', choices=['float32', 'float16'],
                   help="I/O type of the fp16 files: float32 is the hub's (keep_io_types=True); float16 is optimum's --dtype fp16, "
                        "written to <scale>-io16/ to test that the SDK feeds what the graph declares")
    p.add_argument('--out', default=os.path.join(HERE, '..', '..', '.replicas'))
    args = p.parse_args()
    args.towers = [t for t in args.towers.split(',') if t] or list(TOWERS[args.model])
    args.variants = args.variants.split(',')
    for v in args.variants:
        if v not in VARIANTS:
            p.error(f'unknown variant {v!r}; known: {list(VARIANTS)}')

    # Test files that share a replica run in parallel processes (vitest workers): one generator at
    # a time, or one would wipe the folder under the other.
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, '.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        generate(args)


def generate(args):
    repo = REPOS[args.model]
    io16 = args.fp16_io == 'float16'
    folder = os.path.normpath(os.path.join(args.out, args.scale + ('-io16' if io16 else ''), repo))
    stamp_path = os.path.join(folder, '.stamp')
    stamp = generator_hash(args)
    current = os.path.exists(stamp_path) and open(stamp_path).read().strip() == stamp
    if not current and os.path.isdir(folder):
        # Another generator (or an interrupted run): nothing in the folder can be trusted.
        for root, _, files in os.walk(folder):
            for f in files:
                os.remove(os.path.join(root, f))
    os.makedirs(os.path.join(folder, 'onnx'), exist_ok=True)
    manifest_path = os.path.join(folder, '.replica.json')
    report = json.load(open(manifest_path))['files'] if current and os.path.exists(manifest_path) else {}

    for name, obj in repo_files(args.model, args.scale, args.seed).items():
        write_json(os.path.join(folder, name), obj)

    for tower in args.towers:
        graph, build = TOWERS[args.model][tower]
        for suffix in args.variants:
            rel = f'onnx/{graph}{suffix}.onnx'
            if current and rel in report and os.path.exists(os.path.join(folder, rel)):
                continue
            t0 = time.time()
            variant = VARIANTS[suffix]
            if io16 and variant.float_type == 'fp16':
                variant = Variant(variant.name, variant.float_type, variant.weights, io16=True)
            model, params = build(variant, args.seed, args.scale)
            path = os.path.join(folder, rel)
            onnx.save(model, path)
            size = os.path.getsize(path)
            report[rel] = {'params': params, 'bytes': size}
            print(f'{path}: {params / 1e6:.1f} M params, {size / 1e6:.1f} MB, {time.time() - t0:.1f} s', flush=True)
            del model
            # Recorded per file, so an interrupted run keeps what it finished.
            write_json(manifest_path, {'generator': stamp, 'seed': args.seed, 'scale': args.scale, 'files': report})
            with open(stamp_path, 'w') as f:
                f.write(stamp)
    write_json(manifest_path, {'generator': stamp, 'seed': args.seed, 'scale': args.scale, 'files': report})
    with open(stamp_path, 'w') as f:
        f.write(stamp)
    print(f'{folder}: {len(report)} graphs ({stamp})')


if __name__ == '__main__':
    main()

"""Export omni-tiny to the Hugging Face ONNX layout (fp32 graphs + configs + tokenizer).

Usage: python3 export.py [--ckpt .cache/model.pt] [--random] [--out models/omni-tiny]
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa
from model import BUILD_ARGS, OmniTiny, H, D, N_IMG_TOK, N_FRAMES, MAX_POS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "models", "omni-tiny")
CACHE = os.path.join(HERE, ".cache")


class TextG(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m.text(input_ids, attention_mask)


class OneG(nn.Module):
    def __init__(self, sub):
        super().__init__()
        self.sub = sub

    def forward(self, x):
        return self.sub(x)


class FusionG(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, inputs_embeds, attention_mask):
        return self.m.fusion(inputs_embeds, attention_mask)


def export_all(model, vocab):
    os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)
    model.eval()
    tok = WordPiece(vocab)
    ids, m = tok.batch(["a small red circle in the top left", "blue"])
    ids, m = torch.from_numpy(ids), torch.from_numpy(m)
    specs = [
        ("text_model", TextG(model), (ids, m), ["input_ids", "attention_mask"], ["text_embeds", "last_hidden_state"],
         {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
          "text_embeds": {0: "batch_size"}, "last_hidden_state": {0: "batch_size", 1: "sequence_length"}}),
        ("vision_model", OneG(model.vision), (torch.randn(2, 3, 64, 64),), ["pixel_values"],
         ["image_embeds", "image_tokens"], {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"},
                                            "image_tokens": {0: "batch_size"}}),
        ("audio_model", OneG(model.audio), (torch.randn(2, 1, 1001, 64) * 20 - 40,), ["input_features"],
         ["audio_embeds", "audio_tokens"], {"input_features": {0: "batch_size", 2: "num_frames"},
                                            "audio_embeds": {0: "batch_size"}, "audio_tokens": {0: "batch_size"}}),
        ("video_model", OneG(model.video), (torch.randn(2, N_FRAMES, 3, 64, 64),), ["pixel_values"],
         ["video_embeds", "video_tokens"], {"pixel_values": {0: "batch_size"}, "video_embeds": {0: "batch_size"},
                                            "video_tokens": {0: "batch_size"}}),
        ("fusion_model", FusionG(model), (torch.randn(2, 7, H), torch.tensor([[1] * 7, [1] * 4 + [0] * 3])),
         ["inputs_embeds", "attention_mask"], ["embeds"],
         {"inputs_embeds": {0: "batch_size", 1: "sequence_length"},
          "attention_mask": {0: "batch_size", 1: "sequence_length"}, "embeds": {0: "batch_size"}}),
    ]
    for name, g, args, inn, outn, dyn in specs:
        path = os.path.join(OUT, "onnx", name + ".onnx")
        with torch.no_grad():
            torch.onnx.export(g, args, path, input_names=inn, output_names=outn, dynamic_axes=dyn,
                              opset_version=17, do_constant_folding=True)
        print("exported", path, os.path.getsize(path))


def write_configs(vocab, meta):
    inst = INSTRUCTIONS
    cfg = {
        "_name_or_path": "omni-tiny",
        "architectures": ["OmniTinyModel"],
        "model_type": "clip",
        "omni_model_type": "omni-tiny",
        "description": "omni-tiny: miniature SAIL-style omni-modal embedding model (text, image, audio, video, "
                       "fusion) trained offline on synthetic media. See docs/model-card.md.",
        "hidden_size": H,
        "projection_dim": D,
        "embedding_dim": D,
        "matryoshka_dims": [256, 128, 64],
        "embeddings_normalized": False,
        "logit_scale_init_value": 2.6592,
        "max_position_embeddings": MAX_POS,
        "vocab_size": len(vocab),
        "pad_token_id": 0,
        "unk_token_id": 1,
        "bos_token_id": 2,
        "eos_token_id": 3,
        "instructions": inst,
        "image_size": 64,
        "num_image_tokens": N_IMG_TOK,
        "num_audio_tokens": 1,
        "num_video_tokens": N_IMG_TOK,
        "video_num_frames": N_FRAMES,
        "audio_max_length_s": 10,
        "audio_preprocessor_config": "audio_preprocessor_config.json",
        "fusion_order": ["audio", "vision", "text"],
        "graphs": {
            "text_model": {"inputs": {"input_ids": ["batch", "seq<=32", "int64"],
                                      "attention_mask": ["batch", "seq", "int64"]},
                           "outputs": {"text_embeds": ["batch", D], "last_hidden_state": ["batch", "seq", H]}},
            "vision_model": {"inputs": {"pixel_values": ["batch", 3, 64, 64, "float32"]},
                             "outputs": {"image_embeds": ["batch", D], "image_tokens": ["batch", N_IMG_TOK, H]}},
            "audio_model": {"inputs": {"input_features": ["batch", 1, "frames (1001 for 10 s)", 64, "float32"]},
                            "outputs": {"audio_embeds": ["batch", D], "audio_tokens": ["batch", 1, H]}},
            "video_model": {"inputs": {"pixel_values": ["batch", N_FRAMES, 3, 64, 64, "float32"]},
                            "outputs": {"video_embeds": ["batch", D], "video_tokens": ["batch", N_IMG_TOK, H]}},
            "fusion_model": {"inputs": {"inputs_embeds": ["batch", "tokens", H, "float32"],
                                        "attention_mask": ["batch", "tokens", "int64"]},
                             "outputs": {"embeds": ["batch", D]}},
        },
        "variants": {"fp32": "", "fp16": "_fp16", "q8": "_quantized", "q4": "_q4"},
        "text_config": {"model_type": "clip_text_model", "hidden_size": H, "projection_dim": D,
                        "max_position_embeddings": MAX_POS, "vocab_size": len(vocab), "pad_token_id": 0,
                        "bos_token_id": 2, "eos_token_id": 3},
        "vision_config": {"model_type": "clip_vision_model", "hidden_size": H, "projection_dim": D,
                          "image_size": 64, "patch_size": 8, "num_channels": 3},
        "audio_config": {"model_type": "clap_audio_model", "hidden_size": H, "projection_dim": D,
                         "num_mel_bins": N_MELS},
        "training": meta,
        "transformers_version": "4.3.1 (transformers.js)",
    }
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(OUT, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab), f, indent=1)
    with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": MAX_LEN,
                   "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                   "mask_token": "[MASK]", "padding_side": "right", "clean_up_tokenization_spaces": True}, f,
                  indent=2)
    img = {
        "image_processor_type": "CLIPImageProcessor",
        "feature_extractor_type": "CLIPFeatureExtractor",
        "do_resize": True, "size": {"shortest_edge": 64}, "resample": 3,
        "do_center_crop": True, "crop_size": {"height": 64, "width": 64},
        "do_rescale": True, "rescale_factor": 1 / 255,
        "do_normalize": True, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
        "do_convert_rgb": True,
        "video": {"num_frames": N_FRAMES, "sampling": "uniform"},
        "audio_preprocessor_config": "audio_preprocessor_config.json",
    }
    with open(os.path.join(OUT, "preprocessor_config.json"), "w") as f:
        json.dump(img, f, indent=2)
    aud = {
        "feature_extractor_type": "ClapFeatureExtractor",
        "feature_size": N_MELS, "sampling_rate": SR, "fft_window_size": N_FFT, "hop_length": HOP,
        "nb_frequency_bins": N_FFT // 2 + 1, "frequency_min": FMIN, "frequency_max": FMAX,
        "max_length_s": 10, "nb_max_samples": MAX_SAMPLES, "padding": "repeatpad", "truncation": "rand_trunc",
        "padding_side": "right", "padding_value": 0.0, "return_attention_mask": False, "top_db": None,
        "num_frames": 1 + MAX_SAMPLES // HOP,
    }
    with open(os.path.join(OUT, "audio_preprocessor_config.json"), "w") as f:
        json.dump(aud, f, indent=2)


def main():
    global OUT
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(CACHE, "model.pt"))
    ap.add_argument("--random", action="store_true")
    ap.add_argument("--out", default=OUT, help="model folder; a trial exports to a scratch folder, never over the shipped one")
    a = ap.parse_args()
    OUT = a.out
    torch.set_num_threads(2)
    if a.random:
        vocab = json.load(open(os.path.join(CACHE, "vocab.json")))
        torch.manual_seed(0)
        model = OmniTiny(len(vocab))
        meta = {"steps": 0}
    else:
        ck = torch.load(a.ckpt)
        vocab = ck["vocab"]
        build_args = {k: ck[k] for k in BUILD_ARGS if k in ck}  # older checkpoints lack the later flags
        model = OmniTiny(len(vocab), **build_args)
        model.load_state_dict(ck["model"])
        meta = {"steps": ck["steps"], "seed": ck.get("seed", SEED), "logit_scale": float(model.logit_scale.exp())}
        # config.json names what differs from v1's model (arch "v2", flags that are on)
        meta.update({k: v for k, v in build_args.items() if v and v != "v1"})
    export_all(model, vocab)
    write_configs(vocab, meta)


if __name__ == "__main__":
    main()

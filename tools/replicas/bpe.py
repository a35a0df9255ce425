"""tokenizer.json files of the real type and vocabulary size, with synthetic merges.

The vocabularies are not the real ones (those are data, not structure): what matters to the SDK is
the tokenizer type, the pipeline (normalizer, pre-tokenizer, post-processor), the special tokens
and their ids, and the vocabulary size, which fixes the embedding table.
"""

import numpy as np


def bytes_to_unicode():
    """GPT-2/CLIP byte-level alphabet: every byte as a printable character."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def synthetic_merges(alphabet, count, rng, suffix=''):
    """`count` merges over lowercase letters, built only from tokens that already exist (BPE order)."""
    letters = [c for c in 'abcdefghijklmnopqrstuvwxyz']
    words = [c for c in letters]
    ends = [c + suffix for c in letters] if suffix else []
    known = set(alphabet) | set(ends)
    merges, made = [], []
    while len(merges) < count:
        # Mostly short pieces, as a real merge table grows from frequent short pairs.
        left = words[min(len(words) - 1, int(rng.exponential(len(words) / 6)))] if rng.random() < 0.5 else letters[rng.integers(26)]
        pool = ends if (suffix and rng.random() < 0.4) else words
        right = pool[min(len(pool) - 1, int(rng.exponential(len(pool) / 6)))]
        merged = left + right
        if merged in known or len(merged) > 14:
            continue
        known.add(merged)
        merges.append(f'{left} {right}')
        made.append(merged)
        (ends if merged.endswith(suffix) and suffix else words).append(merged)
    return merges, made


def clip_tokenizer(vocab_size=49408, seed=0):
    rng = np.random.default_rng(seed)
    alphabet = bytes_to_unicode()
    base = alphabet + [c + '</w>' for c in alphabet]
    merges, made = synthetic_merges(alphabet, vocab_size - len(base) - 2, rng, '</w>')
    tokens = base + made + ['<|startoftext|>', '<|endoftext|>']
    assert len(tokens) == vocab_size and len(set(tokens)) == vocab_size
    vocab = {t: i for i, t in enumerate(tokens)}
    special = lambda i, t: {'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': True, 'special': True}
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [special(vocab_size - 2, '<|startoftext|>'), special(vocab_size - 1, '<|endoftext|>')],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFC'}, {'type': 'Replace', 'pattern': {'Regex': r'\s+'}, 'content': ' '}, {'type': 'Lowercase'}]},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"},
             'behavior': 'Removed', 'invert': True},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': False}]},
        'post_processor': {'type': 'RobertaProcessing', 'sep': ['<|endoftext|>', vocab_size - 1], 'cls': ['<|startoftext|>', vocab_size - 2],
                           'trim_offsets': False, 'add_prefix_space': False},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': '<|endoftext|>', 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '</w>', 'fuse_unk': False, 'byte_fallback': False, 'vocab': vocab, 'merges': merges},
    }


CLIP_TOKENIZER_CONFIG = {
    'add_prefix_space': False,
    'bos_token': '<|startoftext|>',
    'clean_up_tokenization_spaces': True,
    'do_lower_case': True,
    'eos_token': '<|endoftext|>',
    'errors': 'replace',
    'model_max_length': 77,
    'pad_token': '<|endoftext|>',
    'tokenizer_class': 'CLIPTokenizer',
    'unk_token': '<|endoftext|>',
}

CLIP_SPECIAL_TOKENS = {'bos_token': '<|startoftext|>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>', 'unk_token': '<|endoftext|>'}

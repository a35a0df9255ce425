"""RoBERTa's tokenizer.json (CLAP's text side): byte-level BPE with the real pipeline and ids.

As transformers' RobertaConverter writes it: no normalizer, ByteLevel pre-tokenizer (GPT-2 regex,
no prefix space), RobertaProcessing (<s> 0 ... </s> 2), ByteLevel decoder, BPE without an
end-of-word suffix; <s> <pad> </s> <unk> at ids 0-3 and <mask> last (50264), vocabulary 50265.
The merges are synthetic (a real vocabulary is data, not structure), built so that words after a
space become 'Ġ'-prefixed pieces as in GPT-2's vocabulary.
"""

import numpy as np

from bpe import bytes_to_unicode

SPACE = 'Ġ'  # the byte-level character of ' ' (0x20)
SPECIALS = ['<s>', '<pad>', '</s>', '<unk>']
MASK = '<mask>'


def roberta_merges(count, rng):
    """`count` merges over lowercase letters, each joining two tokens that already exist."""
    letters = list('abcdefghijklmnopqrstuvwxyz')
    # Word starts: 'Ġ' + letter first (the most frequent GPT-2 merges), then growing pieces.
    starts = [SPACE + c for c in letters]
    merges = [f'{SPACE} {c}' for c in letters]
    pieces = letters[:]
    known = set(starts) | set(letters)
    while len(merges) < count:
        pool = starts if rng.random() < 0.5 else pieces
        left = pool[min(len(pool) - 1, int(rng.exponential(len(pool) / 6)))]
        right = pieces[min(len(pieces) - 1, int(rng.exponential(len(pieces) / 6)))]
        merged = left + right
        if merged in known or len(merged) > 14:
            continue
        known.add(merged)
        merges.append(f'{left} {right}')
        (starts if merged.startswith(SPACE) else pieces).append(merged)
    made = [m.replace(' ', '') for m in merges]
    return merges[:count], made[:count]


def roberta_tokenizer(vocab_size=50265, seed=0):
    rng = np.random.default_rng(seed)
    alphabet = bytes_to_unicode()
    merges, made = roberta_merges(vocab_size - len(SPECIALS) - len(alphabet) - 1, rng)
    tokens = SPECIALS + alphabet + made + [MASK]
    assert len(tokens) == vocab_size and len(set(tokens)) == vocab_size, (len(tokens), len(set(tokens)))
    vocab = {t: i for i, t in enumerate(tokens)}

    def added(i, t, lstrip=False):
        return {'id': i, 'content': t, 'single_word': False, 'lstrip': lstrip, 'rstrip': False, 'normalized': False, 'special': True}

    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [added(i, t) for i, t in enumerate(SPECIALS)] + [added(vocab_size - 1, MASK, lstrip=True)],
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': {'type': 'RobertaProcessing', 'sep': ['</s>', 2], 'cls': ['<s>', 0], 'trim_offsets': True, 'add_prefix_space': False},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '', 'end_of_word_suffix': '',
                  'fuse_unk': False, 'byte_fallback': False, 'vocab': vocab, 'merges': merges},
    }


# laion/clap-htsat-unfused (mirrored by Xenova): RobertaTokenizer with 512 positions usable
# (514 in the table, minus the padding_idx offset).
TOKENIZER_CONFIG = {
    'add_prefix_space': False,
    'bos_token': '<s>',
    'clean_up_tokenization_spaces': True,
    'cls_token': '<s>',
    'eos_token': '</s>',
    'errors': 'replace',
    'mask_token': '<mask>',
    'model_max_length': 512,
    'pad_token': '<pad>',
    'processor_class': 'ClapProcessor',
    'sep_token': '</s>',
    'tokenizer_class': 'RobertaTokenizer',
    'trim_offsets': True,
    'unk_token': '<unk>',
}

SPECIAL_TOKENS = {'bos_token': '<s>', 'cls_token': '<s>', 'eos_token': '</s>', 'mask_token': '<mask>',
                  'pad_token': '<pad>', 'sep_token': '</s>', 'unk_token': '<unk>'}

"""SentencePiece (Unigram) tokenizer.json of SigLIP's type and size, with a synthetic vocabulary.

What the SDK depends on is structural: a Unigram model (vocab as [piece, log-prob] pairs, Viterbi
segmentation), `<pad>` 0, `</s>` 1, `<unk>` 2, the Metaspace pre-tokenizer ("▁" marks a word
start), `</s>` appended after every sequence, 32000 entries. SiglipTokenizer's own text
canonicalisation (punctuation removed, lowercased, whitespace collapsed, stripped) is written as
normalizers, so the fast tokenizer gives what the slow one does. The pieces and scores are not
the real ones (data, not structure).
"""

import string

import numpy as np

SPECIALS = ['<pad>', '</s>', '<unk>']
PAD_ID, EOS_ID, UNK_ID = 0, 1, 2
MARK = '\u2581'


def synthetic_pieces(count, rng):
    """`count` distinct pieces: every letter and digit alone and word-initial (so nothing is ever
    unknown in a lowercase ASCII caption), then random letter strings, short ones first, as a
    trained vocabulary ranks frequent short pieces first."""
    alphabet = string.ascii_lowercase + string.digits
    pieces = [MARK] + [MARK + c for c in alphabet] + list(alphabet)
    seen = set(pieces)
    letters = np.array(list(string.ascii_lowercase))
    while len(pieces) < count:
        n = 2 + min(10, int(rng.exponential(2.5)))
        p = ''.join(rng.choice(letters, n))
        if rng.random() < 0.6:
            p = MARK + p
        if p not in seen:
            seen.add(p)
            pieces.append(p)
    return pieces


def siglip_tokenizer(vocab_size=32000, seed=0):
    rng = np.random.default_rng(seed + 20)
    pieces = synthetic_pieces(vocab_size - len(SPECIALS), rng)
    # Log-probabilities falling with rank (Zipf-like), as sentencepiece scores do; single
    # characters are kept cheap enough to always be a valid fallback segmentation.
    scores = [float(-np.log(i + 2.0) - 2.0) for i in range(len(pieces))]
    vocab = [[t, 0.0] for t in SPECIALS] + [[p, s] for p, s in zip(pieces, scores)]
    assert len(vocab) == vocab_size and len({v[0] for v in vocab}) == vocab_size
    special = lambda i, t: {'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
    punct = '[' + ''.join('\\' + c for c in string.punctuation) + ']'
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [special(i, t) for i, t in enumerate(SPECIALS)],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'Replace', 'pattern': {'Regex': punct}, 'content': ''},
            {'type': 'Lowercase'},
            {'type': 'Replace', 'pattern': {'Regex': r'\s+'}, 'content': ' '},
            {'type': 'Strip', 'strip_left': True, 'strip_right': True}]},
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': MARK, 'prepend_scheme': 'always', 'split': True},
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
                           'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
                           'special_tokens': {'</s>': {'id': '</s>', 'ids': [EOS_ID], 'tokens': ['</s>']}}},
        'decoder': {'type': 'Metaspace', 'replacement': MARK, 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': UNK_ID, 'vocab': vocab, 'byte_fallback': False},
    }


SIGLIP_TOKENIZER_CONFIG = {
    'added_tokens_decoder': {str(i): {'content': t, 'lstrip': False, 'normalized': False, 'rstrip': False, 'single_word': False, 'special': True}
                             for i, t in enumerate(SPECIALS)},
    'additional_special_tokens': [],
    'clean_up_tokenization_spaces': True,
    'do_lower_case': True,
    'eos_token': '</s>',
    'model_input_names': ['input_ids'],
    'model_max_length': 64,
    'pad_token': '</s>',
    'processor_class': 'SiglipProcessor',
    'sp_model_kwargs': {},
    'tokenizer_class': 'SiglipTokenizer',
    'unk_token': '<unk>',
}

SIGLIP_SPECIAL_TOKENS = {'eos_token': '</s>', 'pad_token': '</s>', 'unk_token': '<unk>'}

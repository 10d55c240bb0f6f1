"""Features of a sentence pair, the evidence both heads of ``align_pair`` judge a pair on.

Cosine similarity of embeddings says two sentences are about the same thing;
it is blind to the details that make two news sentences report *different*
facts ("20 rockets" vs "dozens", "Smith said" vs "Jones said"). The lexical
features here add what the embedding misses: word and content-word overlap,
fuzzy token matching, agreement of numbers, names and quoted words, and length.
(The context features of the evaluation-only event level are in
``compare.research.features``.)

Everything is numpy and the standard library (plus rapidfuzz), so the weights
fitted offline can be applied at request time without scikit-learn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves said says say told according
    mr mrs ms would may might must shall upon via per""".split()  # noqa: SIM905 - a word list reads better as prose
)

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "dozen": "12", "thousand": "1000", "million": "1e6", "billion": "1e9",
}  # fmt: skip

_WORD = re.compile(r"[\w$%€£]+(?:[.,'’][\w%]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTE = re.compile(r"[\"“”«»„]([^\"“”«»„]{3,})[\"“”«»„]")


@dataclass(frozen=True)
class SentenceInfo:
    """What the lexical features need from one sentence, computed once per sentence.

    An article is compared with many others, so its sentences are analysed
    once and every candidate pair reuses the analysis.
    """

    text: str
    words: frozenset[str]
    content: frozenset[str]
    bigrams: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]
    quoted: frozenset[str]
    n_words: int
    lowered: str
    sequence: tuple[str, ...]
    trigrams: frozenset[str]


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match "captured"/"captures"/"capturing"."""
    for suffix in ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _normalise_number(token: str) -> str:
    digits = token.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return digits
    return f"{value:g}"


@lru_cache(maxsize=200_000)
def sentence_info(text: str) -> SentenceInfo:
    """Tokenise one sentence into the sets the lexical features compare.

    Args:
        text: one sentence as displayed.
    Returns:
        A SentenceInfo; cached, because wire copy repeats across outlets.
    """
    tokens = _WORD.findall(text)
    lowered = [token.lower().strip("'’") for token in tokens]
    words = [w.strip("$%€£") or w for w in lowered]
    content = [stem(w) for w in words if w not in STOPWORDS and not w.isdigit()]
    numbers = {_normalise_number(n) for n in _NUMBER.findall(text)}
    numbers |= {NUMBER_WORDS[w] for w in words if w in NUMBER_WORDS}
    # Capitalised tokens after the first one: proper names, in most news copy.
    pairs = zip(tokens[1:], words[1:], strict=True)
    names = {w for token, w in pairs if token[:1].isupper() and w not in STOPWORDS}
    quoted = {stem(w) for span in _QUOTE.findall(text) for w in _WORD.findall(span.lower())}
    return SentenceInfo(
        text=text,
        words=frozenset(words),
        content=frozenset(content),
        bigrams=frozenset(f"{x} {y}" for x, y in zip(content, content[1:], strict=False)),
        numbers=frozenset(numbers),
        names=frozenset(names),
        quoted=frozenset(quoted - STOPWORDS),
        n_words=len(tokens),
        lowered=" ".join(lowered),
        sequence=tuple(words),
        trigrams=frozenset(" ".join(words[k : k + 3]) for k in range(len(words) - 2)),
    )


_SETS = ("words", "content", "bigrams", "numbers", "names", "quoted", "trigrams")


def _set_sizes(infos: Sequence[SentenceInfo]) -> np.ndarray:
    """(n, len(_SETS) + 1) sizes of each sentence's sets, then its word count."""
    return np.array(
        [[len(getattr(info, name)) for name in _SETS] + [info.n_words] for info in infos], dtype=np.float64
    ).reshape(len(infos), len(_SETS) + 1)


def _pair_counts(
    infos_a: Sequence[SentenceInfo], infos_b: Sequence[SentenceInfo], rows: Sequence[int], cols: Sequence[int]
) -> np.ndarray:
    """Intersection sizes of every set, then the fuzzy scores, for each pair: the only per-pair Python."""
    out = np.empty((len(rows), len(_SETS) + 3), dtype=np.float64)
    for k, (i, j) in enumerate(zip(rows, cols, strict=True)):
        a, b = infos_a[i], infos_b[j]
        out[k] = (
            len(a.words & b.words),
            len(a.content & b.content),
            len(a.bigrams & b.bigrams),
            len(a.numbers & b.numbers),
            len(a.names & b.names),
            len(a.quoted & b.quoted),
            len(a.trigrams & b.trigrams),
            fuzz.token_set_ratio(a.lowered, b.lowered),
            fuzz.token_sort_ratio(a.lowered, b.lowered),
            Levenshtein.normalized_similarity(a.sequence, b.sequence),
        )
    return out


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


LEXICAL_NAMES = (
    "word_jaccard",
    "content_jaccard",
    "content_containment",
    "bigram_jaccard",
    "token_set_ratio",
    "token_sort_ratio",
    "numbers_both",
    "numbers_disagree",
    "numbers_one_side",
    "names_both",
    "names_disagree",
    "names_unmatched",
    "quotes_both",
    "quotes_overlap",
    "length_ratio",
    "log_length",
    "unmatched_max",
    "unmatched_min",
    "log_unmatched_max",
    "word_edit_similarity",
    "trigram_overlap",
)


def lexical_matrix(
    infos_a: Sequence[SentenceInfo], infos_b: Sequence[SentenceInfo], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Lexical agreement of the pairs (rows[k], cols[k]), columns in the order of LEXICAL_NAMES.

    Only the set intersections and fuzzy scores are computed pair by pair;
    everything derived from them is vectorised.
    """
    rows, cols = np.asarray(rows, dtype=int), np.asarray(cols, dtype=int)
    size_a, size_b = _set_sizes(infos_a)[rows], _set_sizes(infos_b)[cols]
    counts = _pair_counts(infos_a, infos_b, rows.tolist(), cols.tolist())
    inter = {name: counts[:, n] for n, name in enumerate(_SETS)}
    na = {name: size_a[:, n] for n, name in enumerate(_SETS)}
    nb = {name: size_b[:, n] for n, name in enumerate(_SETS)}

    def jaccard(name: str) -> np.ndarray:
        return _ratio(inter[name], na[name] + nb[name] - inter[name])

    def containment(name: str) -> np.ndarray:
        return _ratio(inter[name], np.minimum(na[name], nb[name]))

    def both(name: str) -> np.ndarray:
        return ((na[name] > 0) & (nb[name] > 0)).astype(np.float64)

    # Content one side adds ("after nine years in prison") is what most often
    # turns a near-paraphrase into a different, larger fact.
    extra_a, extra_b = na["content"] - inter["content"], nb["content"] - inter["content"]
    words_a, words_b = np.maximum(size_a[:, -1], 1), np.maximum(size_b[:, -1], 1)
    shorter, longer = np.minimum(words_a, words_b), np.maximum(words_a, words_b)
    names_union = na["names"] + nb["names"] - inter["names"]
    return np.column_stack(
        [
            jaccard("words"),
            jaccard("content"),
            containment("content"),
            jaccard("bigrams"),
            counts[:, len(_SETS)] / 100.0,
            counts[:, len(_SETS) + 1] / 100.0,
            both("numbers"),
            both("numbers") * (1.0 - containment("numbers")),
            ((na["numbers"] > 0) != (nb["numbers"] > 0)).astype(np.float64),
            both("names"),
            both("names") * (1.0 - containment("names")),
            _ratio(names_union - inter["names"], names_union),
            both("quoted"),
            both("quoted") * containment("quoted"),
            shorter / longer,
            np.log(longer),
            np.maximum(extra_a, extra_b) / np.maximum(np.maximum(na["content"], nb["content"]), 1),
            np.minimum(extra_a, extra_b) / np.maximum(np.minimum(na["content"], nb["content"]), 1),
            np.log1p(np.maximum(extra_a, extra_b)),
            counts[:, len(_SETS) + 2],
            containment("trigrams"),
        ]
    ).reshape(len(rows), len(LEXICAL_NAMES))


SEMANTIC_NAMES = ("cosine", "cosine_sq", "cosine_x_lexical_gap", "cosine_x_quotes")


def semantic_matrix(cosines: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Cosine and its interactions with the lexical evidence.

    A translated quotation has a high cosine but little shared vocabulary; the
    interaction terms let the model trust the cosine when quotes are present
    instead of punishing the low overlap.
    """
    cosines = np.asarray(cosines, dtype=np.float64)
    token_set = lexical[:, LEXICAL_NAMES.index("token_set_ratio")]
    quotes_both = lexical[:, LEXICAL_NAMES.index("quotes_both")]
    return np.column_stack([cosines, cosines * cosines, cosines * (1.0 - token_set), cosines * quotes_both])


PAIR_NAMES = SEMANTIC_NAMES + LEXICAL_NAMES


def pair_feature_rows(
    infos_a: Sequence[SentenceInfo],
    infos_b: Sequence[SentenceInfo],
    rows: np.ndarray,
    cols: np.ndarray,
    cosines: np.ndarray,
) -> np.ndarray:
    """Pair features (PAIR_NAMES) of the candidate pairs (rows[k], cols[k]) of two articles."""
    lexical = lexical_matrix(infos_a, infos_b, rows, cols)
    return np.hstack([semantic_matrix(cosines, lexical), lexical])

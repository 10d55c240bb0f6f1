"""Sentence segmentation of one paragraph, as exact character spans.

pysbd does the heavy lifting; a few repairs follow that matter for news copy:
titles and initialisms (``Maj. Gen.``, ``U.S. President``, ``Jan. 5``, ``No. 10``)
never end a sentence, a segment that starts in lower case continues the one
before, and a quotation that spans sentences (``"We will leave. We are done,"
he said.``) stays one sentence. Spans are computed from boundaries in the
paragraph itself, so ``paragraph[start:end]`` is always the sentence, stripped,
and no character between sentences is lost.
"""

from __future__ import annotations

import functools
import re
import threading

import pysbd

# Titles are always followed by a name, so a split after them is always wrong.
_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "gen", "maj", "lt", "col", "capt", "cpt", "sgt", "adm", "cmdr", "cdr"}
    | {"sen", "rep", "gov", "pres", "rev", "hon", "st", "mt", "ft", "supt", "insp", "det", "atty", "messrs"}
)
# These end a sentence only when no number follows ("Jan. 5", "No. 10", "p. 4").
_BEFORE_NUMBERS = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"no", "nos", "art", "vol", "vols", "p", "pp", "fig", "figs", "ch", "sec"}
)
# After an initialism ("U.S."), a capitalised word usually continues the
# sentence ("U.S. President"), unless it is a typical sentence opener.
_OPENERS = frozenset(
    {"a", "an", "the", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our"}
    | {"my", "this", "that", "these", "those", "there", "but", "and", "or", "so", "yet", "if", "when"}
    | {"while", "as", "in", "on", "at", "after", "before", "since", "for", "with", "by", "from", "to"}
    | {"however", "meanwhile", "still", "also", "then", "now", "later", "earlier", "both", "some"}
    | {"many", "most", "no", "not", "one", "two"}
)
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_LAST_WORD = re.compile(r"([A-Za-z]+)\.$")
_FIRST_WORD = re.compile(r"[\"'“‘(\[]*([A-Za-z]+)")
# Quotations longer than this many segments or characters are not merged:
# an unclosed quote mark must not swallow a whole paragraph.
_MAX_QUOTE_SEGMENTS = 5
_MAX_QUOTE_CHARS = 900
# pysbd slows down with the square of a paragraph's length: longer text is cut first.
_CHUNK_CHARS = 3000
_LEADING_NUMBER = re.compile(r"\d+\.(?=\s|$)")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_LIKELY_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[A-Z\"“‘(])")


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    """One pysbd segmenter per thread: it keeps the text being segmented on itself."""
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter


def _trailing_space_end(text: str, end: int) -> int:
    while end < len(text) and text[end].isspace():
        end += 1
    return end


def _locate(sentences: list[str], original: str) -> list[str]:
    """What ``pysbd.Segmenter.segment`` returns once pysbd's processor has found ``sentences``.

    pysbd finds each sentence in the original text with a fresh regex
    (the escaped sentence, then any whitespace): one compile per sentence, which also
    flushes ``re``'s cache of pysbd's other patterns; that was a third of its
    time. This is the same search with ``str.find``: the first occurrence,
    with the whitespace after it, that ends past the previous sentence
    (occurrences are scanned without overlap, as ``re.finditer`` does).
    """
    found: list[str] = []
    prior_end = 0
    for sentence in sentences:
        if not sentence:  # an empty pattern matches differently: leave it to pysbd itself
            return [s.sent for s in _segmenter().sentences_with_char_spans(sentences)]
        position = original.find(sentence)
        while position >= 0:
            end = _trailing_space_end(original, position + len(sentence))
            if end > prior_end:
                found.append(original[position:end])
                prior_end = end
                break
            position = original.find(sentence, end)
    return found


def _pysbd_segment(chunk: str) -> list[str]:
    """``pysbd.Segmenter(language="en", clean=False).segment(chunk)``, without its per-sentence regexes."""
    if not chunk:
        return []
    segmenter = _segmenter()
    segmenter.original_text = chunk
    return _locate(segmenter.processor(chunk).process(), chunk)


def _chunks(paragraph: str) -> list[int]:
    """Offsets at which to cut a very long paragraph before pysbd, which is quadratic in length.

    Cuts fall after a likely sentence end, or at a space when there is none.
    """
    cuts = [0]
    while len(paragraph) - cuts[-1] > _CHUNK_CHARS:
        window = paragraph[cuts[-1] : cuts[-1] + _CHUNK_CHARS]
        ends = [m.end() for m in _LIKELY_END.finditer(window)]
        spaces = window.rfind(" ")
        cut = ends[-1] if ends and ends[-1] > _CHUNK_CHARS // 2 else spaces + 1 if spaces > 0 else len(window)
        cuts.append(cuts[-1] + cut)
    return cuts


def _pysbd_starts(paragraph: str) -> list[int]:
    """Start offsets of pysbd's segments, found in the paragraph itself."""
    cuts = _chunks(paragraph)
    starts: list[int] = []
    for begin, end in zip(cuts, [*cuts[1:], len(paragraph)], strict=True):
        chunk = paragraph[begin:end]
        try:
            segments = _pysbd_segment(chunk)
        except Exception:  # pysbd has regex corner cases; a coarse split beats a crash
            segments = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", chunk)
        cursor = 0
        for segment in segments:
            piece = segment.strip()
            found = chunk.find(piece, cursor) if piece else -1
            if found < 0:  # pysbd altered the text: keep the previous boundary only
                continue
            starts.append(begin + found)
            cursor = found + len(piece)
    return starts


def _strip_span(paragraph: str, start: int, end: int) -> tuple[int, int]:
    while start < end and paragraph[start].isspace():
        start += 1
    while end > start and paragraph[end - 1].isspace():
        end -= 1
    return start, end


def _ends_inside_sentence(left: str, right: str) -> bool:
    """True when the split between ``left`` and ``right`` is a false boundary."""
    first = _FIRST_WORD.match(right)
    right_word = first.group(1) if first else ""
    if right[:1].islower():
        return True
    last = _LAST_WORD.search(left)
    if last is None:
        return False
    word = last.group(1).lower()
    if word in _TITLES and right_word[:1].isupper():
        return True
    if word in _BEFORE_NUMBERS and right[:1].isdigit():
        return True
    return bool(_INITIALISM.search(left)) and right_word[:1].isupper() and right_word.lower() not in _OPENERS


def _move_stray_numbers(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give a number back to the sentence it ends.

    pysbd reads "on day 3. Talks resumed" as a numbered list item and splits
    before the "3."; when the segment before it does not end a sentence, the
    number belongs to it.
    """
    fixed = list(spans)
    for i in range(1, len(fixed)):
        (left_start, left_end), (right_start, right_end) = fixed[i - 1], fixed[i]
        number = _LEADING_NUMBER.match(paragraph, right_start, right_end)
        if number and not _ENDS_SENTENCE.search(paragraph[left_start:left_end]):
            fixed[i - 1] = _strip_span(paragraph, left_start, number.end())
            fixed[i] = _strip_span(paragraph, number.end(), right_end)
    return [span for span in fixed if span[0] < span[1]]


def _quote_balance(text: str) -> int:
    """How many quotations are left open at the end of ``text`` (0 when balanced)."""
    straight = text.count('"') % 2
    curly = text.count("“") - text.count("”")
    # ‘ and ’ double as apostrophes: count only those at word edges.
    single = len(re.findall(r"(?:^|(?<=[\s(\[—-]))‘", text)) - len(re.findall(r"’(?![A-Za-z])", text))
    return straight + max(curly, 0) + max(single, 0)


def _merge_quotes(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join segments while a quotation is open, if it closes within the cap."""
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i
        if _quote_balance(paragraph[start:end]):
            for k in range(i + 1, min(len(spans), i + _MAX_QUOTE_SEGMENTS)):
                if spans[k][1] - start > _MAX_QUOTE_CHARS:
                    break
                if not _quote_balance(paragraph[start : spans[k][1]]):
                    j = k
                    break
        merged.append((start, spans[j][1]))
        i = j + 1
    return merged


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Split one paragraph into sentences.

    Args:
        paragraph: a single paragraph (a line of normalised text).
    Returns:
        ``(start, end)`` spans in order; ``paragraph[start:end]`` is a sentence
        with no surrounding whitespace. Empty for a blank paragraph.
    """
    if not paragraph.strip():
        return []
    if len(paragraph) > _CACHED_MAX_CHARS:
        return _split(paragraph)
    return list(_cached_split(paragraph))


# pysbd is most of cleaning's time. The same paragraphs come back: an article
# re-submitted with an edit, wire copy shared by outlets, a re-run of cleaning.
_CACHED_MAX_CHARS = 2000  # a longer "paragraph" is rare, and not worth the memory


@functools.lru_cache(maxsize=16384)  # about 1,000 articles; a few MB
def _cached_split(paragraph: str) -> tuple[tuple[int, int], ...]:
    return tuple(_split(paragraph))


# Every boundary pysbd can find needs a sentence-ending mark, a quotation mark,
# a bracket or a list marker inside the text, or one of the letters pysbd uses
# internally as placeholders for them. A paragraph made only of other letters,
# digits, spaces and a few inner marks, with at most one . ! or ? at its very
# end, is one sentence, and most news paragraphs are like that: pysbd is
# skipped for them. (Same spans as pysbd for all 30,472 such paragraphs of the
# evaluation sets and seeds; a property test holds them to it.)
_PYSBD_PLACEHOLDERS = "ǃƪʼȸȹᓰᓱᓳᓴᓷᓸ"
_ONE_SENTENCE = re.compile(rf"(?:[^\W_{_PYSBD_PLACEHOLDERS}]|[ ,;:\-–—/%$€£'’‘])*[.!?]?")
_QUOTE_AT_EDGE = re.compile(r"(?:^|\s)['‘’]|['‘’](?:\s|$)")


def _split(paragraph: str) -> list[tuple[int, int]]:
    if (
        len(paragraph) <= _CHUNK_CHARS
        and _ONE_SENTENCE.fullmatch(paragraph)
        and not _QUOTE_AT_EDGE.search(paragraph)
    ):
        return [_strip_span(paragraph, 0, len(paragraph))]
    return _split_with_pysbd(paragraph)


def _split_with_pysbd(paragraph: str) -> list[tuple[int, int]]:
    starts = _pysbd_starts(paragraph) or [0]
    bounds = [0, *starts[1:], len(paragraph)]
    spans = [_strip_span(paragraph, a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    spans = _move_stray_numbers(paragraph, [span for span in spans if span[0] < span[1]])
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _ends_inside_sentence(paragraph[joined[-1][0] : joined[-1][1]], paragraph[start:end]):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return _merge_quotes(paragraph, joined)

"""Sentence splitting: news abbreviations, quotations, and exact spans."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hypothesis import example, given, settings
from hypothesis import strategies as st

from compare.nlp.text.segment import split_sentences


def sentences(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in split_sentences(paragraph)]


def test_it_splits_plain_sentences():
    assert sentences("Russia is a key ally of Assad. Military support from Moscow has helped him.") == [
        "Russia is a key ally of Assad.",
        "Military support from Moscow has helped him.",
    ]


def test_it_does_not_split_after_military_and_political_titles():
    paragraph = (
        "Its commander, Maj. Gen. Qassem Soleimani, was blamed. Sen. Jones and Gov. Brown met Dr. Smith."
    )
    assert sentences(paragraph) == [
        "Its commander, Maj. Gen. Qassem Soleimani, was blamed.",
        "Sen. Jones and Gov. Brown met Dr. Smith.",
    ]


def test_it_keeps_initialisms_inside_a_sentence_but_splits_after_them_at_a_sentence_end():
    assert sentences("U.S. President Donald Trump spoke. He moved to the U.S. He liked it.") == [
        "U.S. President Donald Trump spoke.",
        "He moved to the U.S.",
        "He liked it.",
    ]


def test_it_keeps_abbreviations_before_numbers():
    assert sentences("The talks began on Jan. 5 in Geneva. No. 10 said nothing.") == [
        "The talks began on Jan. 5 in Geneva.",
        "No. 10 said nothing.",
    ]


def test_a_quotation_spanning_sentences_stays_one_sentence():
    assert sentences('"We will leave. We are done," he said. Then he left.') == [
        '"We will leave. We are done," he said.',
        "Then he left.",
    ]


def test_a_curly_quotation_spanning_three_sentences_stays_one_sentence():
    paragraph = "“I am here. I will stay. Nobody can make me go,” she said. Then more."
    assert sentences(paragraph) == [
        "“I am here. I will stay. Nobody can make me go,” she said.",
        "Then more.",
    ]


def test_an_unclosed_quotation_does_not_swallow_the_paragraph():
    assert sentences("“This quote never closes. It goes on. And on.") == [
        "“This quote never closes.",
        "It goes on.",
        "And on.",
    ]


def test_a_sentence_after_an_exclamation_in_quotes_continues_in_lower_case():
    assert sentences('"We are done!" he said. It was over.') == ['"We are done!" he said.', "It was over."]


def test_a_headline_without_final_punctuation_is_one_sentence():
    assert sentences("Putin Meets Assad, Says 'Foreign Armed Forces Will Start Leaving Syria'") == [
        "Putin Meets Assad, Says 'Foreign Armed Forces Will Start Leaving Syria'"
    ]


def test_a_blank_paragraph_has_no_sentences():
    assert split_sentences("   ") == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_spans_are_stripped_ordered_and_cover_every_visible_character(paragraph: str):
    spans = split_sentences(paragraph)
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert end <= next_start
    for start, end in spans:
        piece = paragraph[start:end]
        assert piece and piece == piece.strip()
    covered = "".join(paragraph[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(paragraph.split())


def test_a_very_long_paragraph_is_split_in_chunks_without_losing_a_sentence():
    paragraph = " ".join(f"Talks resumed in Sochi on day {i}." for i in range(400))
    assert sentences(paragraph) == [f"Talks resumed in Sochi on day {i}." for i in range(400)]


def test_it_gives_the_same_sentences_when_threads_segment_at_once():
    paragraphs = [
        f"Talks resumed in Sochi on day {i}. Dr. Smith met Gen. Jones there. It ended." for i in range(40)
    ]
    expected = [split_sentences(p) for p in paragraphs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(split_sentences, paragraphs)) == expected


TRICKY_PARAGRAPHS = [
    "He said. He said. He said.",
    "x  y.  x  y.  x y.",
    "1. One 2. Two 3. Three",
    "\u00a0Hi there.\u2003 Hi there.\t Hi there.",
    "Mr. Smith met Dr. Jones in the U.S. on Jan. 5. They talked (for hours). Then? Nothing!",
    '"We will leave. We are done," he said. Then he left. "Really?" Yes.',
    "a. b. c. d.",
]


def test_the_fast_pysbd_call_returns_what_pysbd_segment_returns():
    import pysbd

    from compare.nlp.text.segment import _pysbd_segment

    segmenter = pysbd.Segmenter(language="en", clean=False)
    for paragraph in TRICKY_PARAGRAPHS:
        assert _pysbd_segment(paragraph) == segmenter.segment(paragraph)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!\"'()\n\t\u00a0")), max_size=120))
def test_the_fast_pysbd_call_agrees_with_pysbd_on_any_text(paragraph: str):
    import pysbd

    from compare.nlp.text.segment import _pysbd_segment

    assert _pysbd_segment(paragraph) == pysbd.Segmenter(language="en", clean=False).segment(paragraph)


def test_a_paragraph_seen_before_gets_the_same_spans_in_a_list_of_its_own():
    paragraph = "Talks resumed in Sochi. Dr. Smith met Gen. Jones there."
    first = split_sentences(paragraph)
    first.append((0, 1))  # a caller changing its list must not change the cached answer
    assert split_sentences(paragraph) == [(0, 23), (24, 55)]


# Words in any script, the inner marks the one-sentence shortcut accepts, and things it must not:
# quotes at word edges, brackets, inner full stops, list numbers, pysbd's placeholder letters.
_NEAR_ONE_SENTENCE = st.lists(
    st.sampled_from([*"aB1 ,;:-–—/%$€£'’‘", "Mr", "U.S", "(", ")", '"', ".", "?", "!", " 2. ", "_"])
    | st.sampled_from(list("ǃƪʼȸȹᓰᓱᓳᓴᓷᓸ"))
    | st.characters(categories=("L", "N")),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NEAR_ONE_SENTENCE, st.sampled_from(["", ".", "!", "?", '."', "…"]))
# Paragraphs pysbd splits with no inner full stop (from ECB+ and MRPC).
@example(
    "'At the time, I thought it was a brick, but it was a bullet, ' Mrs Armstead said of her injury", "."
)
@example("(Tue, 16 Aug 2011) This morning one of the providers experienced an outage", ".")
@example('"At times it looked a little bleak, " Arians said', ".")
@example("I think we made the right case and did the right thing", '."')
@example("Rates rose ȸ, markets fell", ".")
@example("Rates ȹ", ".")
def test_the_one_sentence_shortcut_gives_what_pysbd_gives(body: str, end: str):
    from compare.nlp.text.segment import _split, _split_with_pysbd

    paragraph = (body + end).strip()
    if paragraph:
        assert _split(paragraph) == _split_with_pysbd(paragraph)


def test_the_one_sentence_shortcut_skips_pysbd_for_a_plain_sentence(monkeypatch):
    from compare.nlp.text import segment

    def no_pysbd(paragraph):
        raise AssertionError("pysbd was called")

    monkeypatch.setattr(segment, "_pysbd_starts", no_pysbd)
    paragraph = "The mayor’s office said on Tuesday that 1,200 homes – about 4% – had lost power."
    assert segment._split(paragraph) == [(0, len(paragraph))]

"""What to strip from the edges of one line: a caption label, a trailing photo credit, a doubled phrase.

``strip_credit`` finds the part of a line left after taking off a caption
label ("Image caption, ...") and a trailing photo credit ("(AP Photo/Name)",
"Credit: Name/Getty Images"); ``doubled_unit_end`` finds where a phrase
written twice back to back ("Send in e-mailSend in e-mail") first ends.
"""

from __future__ import annotations

import re

from compare.nlp.text.shape import has_terminal_punctuation, words

# A trailing credit in brackets: "(AP Photo/Name)", "(Photo: Reuters)", "[Name/Sputnik via AP]".
_CREDIT_PARENS = re.compile(
    r"\s*[(\[](?:[^()\[\]]{0,60}\b(?:Photo|Photograph|Credit|Getty|Images)\b[^()\[\]]{0,60}"
    r"|[A-Z][^()\[\]\s/]*(?:\s[^()\[\]\s/]+){0,3}\s?/\s?[A-Z][^()\[\]]{0,60})[)\]]\.?$"
)
# A labelled credit at the end: "Credit: Name/AP", "Photograph: Name/Getty Images".
_CREDIT_LABEL = re.compile(
    r"(?:^|\s)(?:Photo(?:graph)?s?|Pictures?|Images?|Credit|Photo credit|Illustration|Courtesy(?: of)?"
    r"|PHOTO|CREDIT)\s*:\s*[^:]{2,80}$"
)
# A caption label in front of the caption: "Image caption, ..." (BBC style).
_CAPTION_LABEL = re.compile(
    r"^(?:(?:Image|Media|Photo|Video) caption\s*[,:]"
    r"|(?:file photo|illustrative(?: photo| image)?|pictured)\s*:)\s*",
    re.IGNORECASE,
)
_AGENCIES = re.compile(
    r"\b(?:Getty Images|AFP|AP|Reuters|REUTERS|EPA|EPA-EFE|Shutterstock|Alamy|Bloomberg|Pool|Sipa|ZUMA"
    r"|Xinhua|TASS|Sputnik|Anadolu|Flash90|PA(?: Wire)?|dpa|DPA|Handout|File)$"
)
_CREDIT_LINKS = frozenset({"via", "and", "for", "of", "de", "van", "von", "al", "el", "da", "the"})
_AFTER_SENTENCE = re.compile(r"(?:^|[.!?][\"”’)]?\s+)(?=[A-Z(])")


def _credit_tail_start(text: str) -> int | None:
    """Where a trailing photo credit begins, if the text ends with one."""
    for pattern in (_CREDIT_PARENS, _CREDIT_LABEL):
        found = pattern.search(text)
        if found and len(words(found.group())) <= 12:
            return found.start()
    starts = [m.end() for m in _AFTER_SENTENCE.finditer(text)]
    if not starts:
        return None
    tail = text[starts[-1] :]
    tokens = words(tail)
    if not tokens or len(tokens) > 10 or has_terminal_punctuation(tail) or ":" in tail:
        return None
    # A credit is names: "Russia/Syria ties" or "Putin thanked AP" are not.
    if not all(t[:1].isupper() or t.lower() in _CREDIT_LINKS for t in tokens):
        return None
    n = len(tokens)
    if re.search(r"[A-Za-z.]\s?/\s?[A-Z]", tail) or (n <= 6 and _AGENCIES.search(tail)):
        return starts[-1]
    return None


def strip_credit(text: str) -> tuple[int, int]:
    """The part of a line left after taking off a caption label and a trailing photo credit.

    Args:
        text: one stripped line.
    Returns:
        ``(start, end)`` of what remains; ``start == end`` when the whole line is a credit.
    """
    start = 0
    label = _CAPTION_LABEL.match(text)
    if label:
        start = label.end()
    tail = _credit_tail_start(text[start:])
    end = len(text) if tail is None else start + tail
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def doubled_unit_end(text: str) -> int | None:
    """If the line is one phrase written two or more times back to back, where the first copy ends.

    ``"Send in e-mailSend in e-mail"`` -> 14. Whitespace between copies is
    ignored. Copies glued together are always a scraping artefact; copies
    separated by a space need a phrase of three words or more, so that a
    name such as "Bora Bora" is left alone.
    """
    positions = [i for i, char in enumerate(text) if not char.isspace()]
    compact = "".join(text[i] for i in positions)
    if len(compact) < 6:
        return None
    period = (compact + compact).find(compact, 1)
    if period >= len(compact) or period < 3 or not any(c.isalpha() for c in compact[:period]):
        return None
    end = positions[period - 1] + 1
    glued = not text[end].isspace()
    if not glued and len(words(text[:end])) < 3:
        return None
    return end

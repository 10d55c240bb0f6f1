"""What changed between two linked sentences: a word diff, and the details that disagree.

``word_diff`` shows an editor how one outlet reworded another; ``conflicts``
picks out the disagreements that matter in news copy: numbers ("20 rockets"
vs "dozens of rockets"), dates ("Tuesday" vs "Wednesday") and named sources
("Smith said" vs "according to Jones"). Conflicts are deliberately
conservative: two numbers are compared only when they count the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from compare.nlp.align.features import NUMBER_WORDS, STOPWORDS, stem

_TOKEN = re.compile(r"\w+(?:[-'’.,]\w+)*|[^\w\s]")

# SequenceMatcher takes up to (tokens of a) x (tokens of b) steps: two 20,000-word sentences with
# few distinct words took 20 s. Past this many tokens on either side (after the common start and
# end are set aside) the differing middle is shown whole, as deleted and inserted: a linear cost.
MAX_DIFF_TOKENS = 1000


def _tokens(text: str) -> list[tuple[str, str]]:
    """(comparison key, original text with its trailing whitespace) for every word and punctuation mark."""
    matches = list(_TOKEN.finditer(text))
    out = []
    for n, match in enumerate(matches):
        start = 0 if n == 0 else match.start()
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        out.append((match.group().lower(), text[start:end]))
    return out


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Word-level differences from ``a`` to ``b``.

    Args:
        a: the first sentence.
        b: the second sentence.
    Returns:
        ("equal" | "delete" | "insert", text) operations in reading order;
        consecutive operations of one kind are merged. Words are compared
        case-insensitively and "equal" text is taken from ``a``, so joining
        the equal and delete texts gives back ``a`` exactly.
    """
    tokens_a, tokens_b = _tokens(a), _tokens(b)
    if not tokens_a and not tokens_b:
        return []
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in _opcodes([k for k, _ in tokens_a], [k for k, _ in tokens_b]):
        if tag == "equal":
            _push(ops, "equal", "".join(text for _, text in tokens_a[i1:i2]))
            continue
        if i2 > i1:
            _push(ops, "delete", "".join(text for _, text in tokens_a[i1:i2]))
        if j2 > j1:
            _push(ops, "insert", "".join(text for _, text in tokens_b[j1:j2]))
    if not tokens_a and a:
        ops.insert(0, ("delete", a))
    return ops


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes, within a bounded cost (``MAX_DIFF_TOKENS``).

    The common start and end are matched in linear time; only the middle goes
    to SequenceMatcher, and only when both sides of it are short enough.
    """
    if len(a) <= MAX_DIFF_TOKENS and len(b) <= MAX_DIFF_TOKENS:
        return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    ops = [("equal", 0, start, 0, start)] if start else []
    if len(middle_a) <= MAX_DIFF_TOKENS and len(middle_b) <= MAX_DIFF_TOKENS:
        matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        ops += [
            (t, i1 + start, i2 + start, j1 + start, j2 + start) for t, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
    elif middle_a or middle_b:
        ops.append(("replace", start, len(a) - end, start, len(b) - end))
    if end:
        ops.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return ops


def _push(ops: list[tuple[str, str]], kind: str, text: str) -> None:
    if ops and ops[-1][0] == kind:
        ops[-1] = (kind, ops[-1][1] + text)
    else:
        ops.append((kind, text))


# Past this share of changed words a word diff is mostly struck and underlined text:
# the two sentences say it in their own words, and the page says so instead.
WORDED_DIFFERENTLY = 0.6
_WORD = re.compile(r"\w")
# No space goes before closing punctuation or after opening punctuation at a join.
_CLOSING = tuple(",.;:!?)]}”’%")
_OPENING = tuple("([{“‘$£€")


@dataclass(frozen=True)
class SentenceDiff:
    """How a second sentence words what a first one says, for reading rather than for machines.

    ``ops`` are ("equal" | "delete" | "insert", text) in reading order, each change
    shown as its deleted words then its inserted words, with a space at every join
    where the words need one. ``changed`` is the share of words that differ (0 to 1).
    """

    ops: tuple[tuple[str, str], ...]
    changed: float

    @property
    def identical(self) -> bool:
        return all(op == "equal" for op, _ in self.ops)

    @property
    def worded_differently(self) -> bool:
        return self.changed > WORDED_DIFFERENTLY


def sentence_diff(a: str, b: str) -> SentenceDiff:
    """The readable difference from ``a`` to ``b``.

    Args:
        a: the followed sentence.
        b: the sentence it is compared with.
    Returns:
        A ``SentenceDiff``: short runs of common words between two changes
        ("of the") are folded into one change, so struck and underlined runs
        do not interleave word by word.
    """
    raw = word_diff(a, b)
    words_a = sum(1 for key, _ in _tokens(a) if _WORD.match(key))
    words_b = sum(1 for key, _ in _tokens(b) if _WORD.match(key))
    same = sum(1 for op, text in raw if op == "equal" for key, _ in _tokens(text) if _WORD.match(key))
    changed = 1 - 2 * same / (words_a + words_b) if words_a + words_b else 0.0
    return SentenceDiff(tuple(_spaced(_grouped(raw))), round(changed, 3))


def _grouped(ops: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """("equal", text, "") and ("change", deleted, inserted) segments, short common runs folded in."""
    segments: list[tuple[str, str, str]] = []
    for op, text in ops:
        if op == "equal":
            segments.append(("equal", text, ""))
        elif segments and segments[-1][0] == "change":
            _, deleted, inserted = segments[-1]
            segments[-1] = (
                ("change", deleted + text, inserted)
                if op == "delete"
                else ("change", deleted, inserted + text)
            )
        else:
            segments.append(("change", text, "") if op == "delete" else ("change", "", text))
    folded: list[tuple[str, str, str]] = []
    for n, segment in enumerate(segments):
        between_changes = 0 < n < len(segments) - 1 and segments[n + 1][0] == "change" and folded
        if segment[0] == "equal" and between_changes and folded[-1][0] == "change" and _is_filler(segment[1]):
            _, deleted, inserted = folded[-1]
            folded[-1] = ("change", deleted + segment[1], inserted + segment[1])
        elif segment[0] == "change" and folded and folded[-1][0] == "change":
            _, deleted, inserted = folded[-1]
            folded[-1] = ("change", deleted + segment[1], inserted + segment[2])
        else:
            folded.append(segment)
    return folded


def _is_filler(text: str) -> bool:
    """A common run too short to read as a landmark: punctuation and at most one short word."""
    words = [key for key, _ in _tokens(text) if _WORD.match(key)]
    return len(words) == 0 or (len(words) == 1 and (words[0] in STOPWORDS or len(words[0]) <= 2))


def _spaced(segments: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Operations with the whitespace at their edges replaced by one space where words meet."""
    pieces: list[tuple[str, str]] = []
    for kind, first, second in segments:
        if kind == "equal":
            pieces.append(("equal", first.strip()))
        else:
            pieces += [("delete", first.strip()), ("insert", second.strip())]
    ops: list[tuple[str, str]] = []
    previous = ""
    for op, text in pieces:
        if not text:
            continue
        if previous and not previous.endswith(_OPENING) and not text.startswith(_CLOSING):
            _push(ops, "equal", " ")
        _push(ops, op, text)
        previous = text
    return ops


@dataclass(frozen=True)
class Conflict:
    """A detail on which two sentences disagree: kind "number" | "date" | "source"."""

    kind: str
    a: str
    b: str
    message: str


# Vague quantities and the counts they can stand for: "dozens" is not 20.
VAGUE = {
    "a few": (2, 5), "few": (2, 5), "several": (3, 9), "a dozen": (12, 12), "dozens": (24, 99),
    "scores": (40, 99), "hundreds": (200, 999), "thousands": (2000, 9999), "millions": (2e6, 9.99e8),
}  # fmt: skip
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_VAGUE_PATTERN = "|".join(sorted((re.escape(v) for v in VAGUE), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?P<currency>[$€£])?\s?(?P<value>\d+(?:[.,]\d+)*|{'|'.join(NUMBER_WORDS)}|{_VAGUE_PATTERN})\b"
    rf"(?:\s?(?P<scale>thousand|million|billion|trillion)\b)?(?P<percent>\s?(?:%|per ?cent\b))?"
    rf"(?P<rest>(?:\s*-?\s*(?:of\s+)?[\w'’-]+){{0,3}})",
    re.IGNORECASE,
)


_AFTER_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class _Quantity:
    text: str
    low: float
    high: float
    units: frozenset[str]


# A story page compares each sentence with every counterpart, in both columns: each
# sentence's numbers, dates and sources are read once (pure functions of the text).
_PER_SENTENCE_CACHE = 4096


@lru_cache(maxsize=_PER_SENTENCE_CACHE)
def _quantities(text: str) -> tuple[_Quantity, ...]:
    found = []
    for match in _QUANTITY.finditer(text):
        value = match["value"].lower()
        if re.fullmatch(r"(19|20)\d\d", value) and not match["currency"]:
            continue  # a year, compared as a date
        if _AFTER_MONTH.search(text[: match.start("value")]):
            continue  # the day of a date ("June 10"), compared as a date
        low, high = _value_range(value)
        scale = _SCALE.get((match["scale"] or "").lower(), 1.0)
        units, shown = _units(match)
        if units:
            found.append(_Quantity(shown, low * scale, high * scale, units))
    return tuple(found)


def _value_range(value: str) -> tuple[float, float]:
    if value in VAGUE:
        return VAGUE[value]
    number = float(NUMBER_WORDS.get(value, value.replace(",", "")))
    return number, number


def _units(match: re.Match) -> tuple[frozenset[str], str]:
    """What is being counted (% or currency, else the next content word), and the text to show.

    "20 rockets into Israel" counts rockets and reads "20 rockets";
    "$21.51 on June 10" counts dollars and reads "$21.51".
    """
    text, start = match.string, match.start()
    if match["currency"] or match["percent"]:
        units = {symbol for symbol in (match["currency"], "%" if match["percent"] else None) if symbol}
        end = max(match.end("value"), match.end("scale"), match.end("percent"))
        return frozenset(units), text[start:end].strip()
    for word in re.finditer(r"[A-Za-z]+", match["rest"] or ""):
        if word.group().lower() not in STOPWORDS:
            end = match.start("rest") + word.end()
            return frozenset({stem(word.group().lower())}), text[start:end].strip()
    return frozenset(), ""


def _number_conflicts(a: str, b: str) -> list[Conflict]:
    out = []
    for qa in _quantities(a):
        for qb in _quantities(b):
            same_thing = bool(qa.units & qb.units)
            overlap = qa.low <= qb.high and qb.low <= qa.high
            if same_thing and not overlap:
                out.append(
                    Conflict("number", qa.text, qb.text, f'Numbers differ: "{qa.text}" vs "{qb.text}"')
                )
    return out


_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTH_DAY = re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}})\b|\b(\d{{1,2}})\s+({_MONTHS})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


@lru_cache(maxsize=_PER_SENTENCE_CACHE)
def _dates(text: str) -> dict[str, frozenset[str]]:
    month_days = set()
    for match in _MONTH_DAY.finditer(text):
        month = (match[1] or match[4]).lower()
        day = match[2] or match[3]
        month_days.add(f"{month.title()} {int(day)}")
    return {
        "weekday": frozenset(w.title() for w in _WEEKDAY.findall(text)),
        "day": frozenset(month_days),
        "year": frozenset(_YEAR.findall(text)),
    }


def _date_conflicts(a: str, b: str) -> list[Conflict]:
    dates_a, dates_b = _dates(a), _dates(b)
    out = []
    for part in ("day", "weekday", "year"):
        if dates_a[part] and dates_b[part] and not dates_a[part] & dates_b[part]:
            text_a, text_b = ", ".join(sorted(dates_a[part])), ", ".join(sorted(dates_b[part]))
            out.append(Conflict("date", text_a, text_b, f'Dates differ: "{text_a}" vs "{text_b}"'))
    return out


# Lowercase name particles ("Bashar al-Assad", "Ursula von der Leyen", "Osama bin Laden"): part of a
# name, never a name of their own, and a name that ends on one was cut short.
PARTICLES = frozenset("al el bin ibn abu de del della di da dos du la le van von der den ter".split())
# Titles say what a source is, not who: "President Assad" and "Assad" are one source.
TITLES = frozenset(
    "president prime minister commander general spokesman spokeswoman spokesperson chief minister's "
    "secretary foreign defence defense interior king queen prince sheikh mr mrs ms dr".split()
)
_CAPITALISED = r"[A-Z][\w'’.-]*"
_PARTICLE = rf"(?:{'|'.join(sorted(PARTICLES, key=len, reverse=True))})(?:[-‐'’]{_CAPITALISED}|\b)"
_NAME = rf"(?:{_CAPITALISED})(?:(?:\s+|-)(?:{_CAPITALISED}|{_PARTICLE}))*"
_SOURCE_PATTERNS = (
    re.compile(rf"\baccording to (?:the )?({_NAME})"),
    re.compile(rf"({_NAME}),?\s+(?:said|says|told|reported|announced)\b"),
    re.compile(rf"\b(?:said|says|told)\s+({_NAME})"),
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=_PER_SENTENCE_CACHE)
def _name_words(text: str) -> frozenset[str]:
    """The lowercased words of a text, hyphenated names split: "al-Assad" gives "al" and "assad"."""
    return frozenset(w.lower() for w in _NAME_WORD.findall(text))


@lru_cache(maxsize=_PER_SENTENCE_CACHE)
def _sources(text: str) -> dict[str, frozenset[str]]:
    """Named sources -> the words that identify them (so "Sinha" matches "Commander Nirad Sinha").

    A name cut short (ending on a particle or a hyphen, "Bashar al") is left out:
    what it would have been cannot be compared.
    """
    found: dict[str, frozenset[str]] = {}
    for pattern in _SOURCE_PATTERNS:
        for match in pattern.finditer(text):
            name = match[1].strip().rstrip(".")
            last = name.split()[-1].lower() if name.split() else ""
            if name.endswith(("-", "‐")) or last in PARTICLES:
                continue
            words = _name_words(name) - STOPWORDS - PARTICLES - TITLES
            if words:
                found[name] = words
    return found


def _source_conflicts(a: str, b: str) -> list[Conflict]:
    sources_a, sources_b = _sources(a), _sources(b)
    if not sources_a or not sources_b:
        return []
    words_a = set().union(*sources_a.values())
    words_b = set().union(*sources_b.values())
    # A source the other sentence names anywhere (a part of a longer name, or not as the
    # one speaking) may be the same source: only sources the other never mentions differ.
    if words_a & _name_words(b) or words_b & _name_words(a):
        return []
    text_a, text_b = ", ".join(sources_a), ", ".join(sources_b)
    return [Conflict("source", text_a, text_b, f'Sources differ: "{text_a}" vs "{text_b}"')]


def conflicts(a: str, b: str) -> list[Conflict]:
    """Numbers, dates and named sources on which two linked sentences disagree.

    Args:
        a: the first sentence.
        b: the second sentence.
    Returns:
        Conflicts in the order numbers, dates, sources; empty when the
        sentences agree or cannot be compared on these details.
    """
    return _number_conflicts(a, b) + _date_conflicts(a, b) + _source_conflicts(a, b)


@dataclass(frozen=True)
class Reworded:
    """A sentence an article reworded between two versions, with the word diff from old to new."""

    old: str
    new: str
    diff: list[tuple[str, str]]


@dataclass(frozen=True)
class SentenceChanges:
    """How an article's sentences changed between two versions of it, in reading order."""

    added: list[str]
    removed: list[str]
    reworded: list[Reworded]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.reworded)


# Two sentences in the same place of two versions are one sentence reworded when this share of
# their words (compared as word_diff compares them) is common; less, and one was replaced by the other.
REWORDED_AT = 0.5


def sentence_changes(old: list[str], new: list[str]) -> SentenceChanges:
    """Sentences added, removed and reworded from ``old`` to ``new`` (two versions of one article).

    Args:
        old: the earlier version's sentences, in order.
        new: the later version's sentences, in order.
    Returns:
        Unchanged sentences are left out; within a stretch that differs, each old sentence is paired
        with the first new one still unpaired that shares REWORDED_AT of its words.
    """
    added: list[str] = []
    removed: list[str] = []
    reworded: list[Reworded] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        unpaired = j1  # new sentences before this one are already reported
        for before in old[i1:i2]:
            match = next(
                (j for j in range(unpaired, j2) if _word_overlap(before, new[j]) >= REWORDED_AT), None
            )
            if match is None:
                removed.append(before)
                continue
            added.extend(new[unpaired:match])
            reworded.append(Reworded(before, new[match], word_diff(before, new[match])))
            unpaired = match + 1
        added.extend(new[unpaired:j2])
    return SentenceChanges(added=added, removed=removed, reworded=reworded)


def _word_overlap(a: str, b: str) -> float:
    words_a, words_b = [k for k, _ in _tokens(a)], [k for k, _ in _tokens(b)]
    if not words_a or not words_b:
        return 0.0
    return SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()

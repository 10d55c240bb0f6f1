"""Cheap extraction of names, places, numbers and dates from news text.

Story assignment needs what tells two look-alike events apart (two earthquakes,
two celebrities in rehab): who, where, how many, when. A heavy NER model would
be slower to load than the whole clustering step, so this module uses regular
expressions and capitalisation heuristics, which are enough for matching: an
entity only has to be spelled the same way in two articles, not be typed right.

Entities are normalised strings: lower-case name tokens (``"comeaux"``),
canonical numbers (``"30000"``, ``"6.1"``), years (``"2013"``) and month-day
dates (``"may 2"``). Scraped copy is often detokenised badly (``"U. S."``,
``"$30, 000"``, ``"09: 29"``), so the text is repaired first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
MONTH_NAMES = ("", "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")  # fmt: skip
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}  # fmt: skip

# Capitalised only because they start a sentence or a headline, or because they
# are page furniture; never useful to tell two stories apart. (One string: a
# 200-item list literal reads worse.)
STOPWORDS = frozenset(
    """a about above after again against all also although am an and another any are as at be because
    been before being below between both but by can could did do does doing down during each even ever
    every few for from further had has have having he her here hers herself him himself his how however
    i if in into is it its itself just last latest least less like many may me meanwhile might more most
    much must my myself new next no nor not now of off on once one only or other our ours out over own
    per perhaps please since so some still such than that the their theirs them then there these they
    this those though through thus to today too under until up upon us very was we were what when where
    whether which while who whom whose why will with within without would yes yet you your yours
    mr mrs ms dr jr sr st according despite earlier later officials police authorities breaking update
    updated published posted share comments comment photo photos video watch read more click related
    advertisement copyright reporting editing story report reports news am pm et est edt gmt bst pdt pst
    utc cst cdt mst aest pt i'm i've i'd i'll""".split()  # noqa: SIM905
)

# The order matters: each pattern repairs spacing the next one relies on.
_REPAIRS = (
    (re.compile(r"\b([A-Z])\. (?=[A-Z]\.)"), r"\1."),  # "U. S." -> "U.S."
    (re.compile(r"\b([ap])\. m\b\.?", re.IGNORECASE), r"\1m"),  # "a. m." -> "am"
    (re.compile(r"(?<![\d,])(\d{1,3}), (?=\d{3}\b)"), r"\1,"),  # "30, 000" -> "30,000"
    (re.compile(r"(?<![\d.])(\d{1,2})\. (?=\d\b)"), r"\1."),  # "6. 1" -> "6.1"
    (re.compile(r"\b(\d{1,2}): (?=\d{2}\b)"), r"\1:"),  # "09: 29" -> "09:29"
    (re.compile(r"(\d) ([/-]) (?=\d)"), r"\1\2"),  # "05 / 02 / 2013" -> "05/02/2013"
)

_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"((?:19|20)\d{2})"
_MONTH_DAY = re.compile(rf"\b{_MONTH_RE}\.? {_DAY_RE}\b(?:,? {_YEAR_RE}\b)?", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b{_DAY_RE} {_MONTH_RE}\b\.?(?:,? {_YEAR_RE}\b)?", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MONTH_RE}\.?,? {_YEAR_RE}\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})\b")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?(?![\w])")
_URL_START = re.compile(r"https?\s?:\s?/|^\s*www\s?\.", re.IGNORECASE)
_DOMAIN = re.compile(r"\w\s?\.\s?(?:com|org|net|co\.uk|html?)\b", re.IGNORECASE)
_INITIALISM = re.compile(r"^(?:[A-Z]\.){2,}$")
_LOWER_WORD = re.compile(r"[a-z]+")
_WORD = re.compile(r"[A-Za-z][\w'’.&-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”()\[\]|—–-]\s*)$")


def looks_like_url(line: str) -> bool:
    """True for a link line of scraped copy ("http: / / www. latimes. com / ...").

    A sentence that merely names a site ("Wired.com takes a look back") is text.
    """
    return bool(_URL_START.search(line) or (_DOMAIN.search(line) and "/" in line))


def repair_spacing(text: str) -> str:
    """Undo the detokenisation damage typical of scraped copy ("U. S.", "$30, 000")."""
    for pattern, replacement in _REPAIRS:
        text = pattern.sub(replacement, text)
    return text


def _month_day(month: int, day: int) -> str | None:
    return f"{MONTH_NAMES[month]} {day}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _numeric_date(first: str, second: str, third: str) -> tuple[int | None, int, int] | None:
    """(year, month, day) of 2013-05-02, 05/02/2013 or 02/05/13; US order when ambiguous."""
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    else:
        a, b = int(first), int(second)
        month, day = (b, a) if a > 12 >= b else (a, b)
        year = int(third) + (2000 if len(third) == 2 else 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2099):
        return None
    return year, month, day


def _dates_with_spans(text: str) -> list[tuple[tuple[int, int], int | None, int | None, int | None]]:
    """Every date mention as ((start, end), year, month, day); parts may be None."""
    found: list[tuple[tuple[int, int], int | None, int | None, int | None]] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= s or span[0] >= e for s, e in taken)

    for match in _NUMERIC_DATE.finditer(text):
        parsed = _numeric_date(match.group(1), match.group(3), match.group(4))
        if parsed:
            taken.append(match.span())
            found.append((match.span(), *parsed))
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        for match in pattern.finditer(text):
            if not free(match.span()):
                continue
            month, day = MONTHS[match.group(month_group).lower()], int(match.group(day_group))
            year = int(match.group(3)) if match.group(3) else None
            if 1 <= day <= 31:
                taken.append(match.span())
                found.append((match.span(), year, month, day))
    for match in _MONTH_YEAR.finditer(text):
        if free(match.span()):
            taken.append(match.span())
            found.append((match.span(), int(match.group(2)), MONTHS[match.group(1).lower()], None))
    return found


def find_dates(text: str) -> list[date]:
    """Complete calendar dates (year, month and day) mentioned in ``text``, in order."""
    text = repair_spacing(text)
    out = []
    for _span, year, month, day in sorted(_dates_with_spans(text)):
        if year and month and day:
            try:
                out.append(date(year, month, day))
            except ValueError:  # 31 February and friends
                continue
    return out


def is_dateline(line: str) -> bool:
    """A line that is only a date/time stamp ("Updated 5:40 p.m. ET, May 3, 2013")."""
    if not any(c.isdigit() for c in line):
        return False
    words = [w for w in _LOWER_WORD.findall(line.lower()) if w not in MONTHS and w not in WEEKDAYS]
    return sum(w not in STOPWORDS for w in words) <= 1


def dateline(lines: Iterable[str], max_lines: int = 6) -> date | None:
    """The date of a bare dateline near the top of scraped copy ("May 3, 2013 7:31 AM").

    Used only when an article comes without a publication time: the first
    dateline of a page is nearly always when it was published. A date inside
    a sentence ("On Oct. 10, 1972, Washington awoke...") is history, not a dateline.
    """
    for line in list(lines)[:max_lines]:
        line = repair_spacing(line.strip())
        if line and is_dateline(line):
            dates = find_dates(line)
            if dates:
                return dates[0]
    return None


def _date_entities(text: str) -> tuple[set[str], str]:
    """Date entities, and the text with dates and clock times blanked out."""
    entities: set[str] = set()
    chars = list(text)
    for (start, end), year, month, day in _dates_with_spans(text):
        if year:
            entities.add(str(year))
        if month and day:
            key = _month_day(month, day)
            if key:
                entities.add(key)
        chars[start:end] = " " * (end - start)
    return entities, _TIME.sub(" ", "".join(chars))


def _number_entities(text: str) -> set[str]:
    """Numbers worth matching: years, amounts, tolls, magnitudes; not single digits."""
    out = set()
    for match in _NUMBER.finditer(text):
        raw = match.group(0).replace(",", "")
        if "." in raw:
            raw = raw.rstrip("0").rstrip(".")
        if raw.isdigit() and len(raw) < 2:
            continue  # "3 people", "2 guards": too common to tell events apart
        out.add(raw.lstrip("0") or "0")
    return out


def _is_headline_case(words: Sequence[str]) -> bool:
    """True for Title Case Or ALL CAPS lines, whose capitals say nothing about names."""
    long_words = [w for w in words if len(w) > 3]
    if len(long_words) < 3:
        return False
    capitalised = sum(w[0].isupper() for w in long_words)
    return capitalised / len(long_words) >= 0.7


def _normalise_name(word: str) -> str:
    word = word.replace("’", "'")
    if word.lower().endswith("'s"):
        word = word[:-2]
    return word.strip(".'-&").lower().replace(".", "")


def _looks_like_common_word(name: str) -> bool:
    """Adverbs, participles and contractions ("Obviously", "Responding", "We'll")."""
    contraction = name.endswith(("'ll", "'re", "'ve", "'d", "n't"))
    return contraction or (len(name) > 5 and name.endswith(("ly", "ing")))


def _name_tokens(line: str, lower_vocabulary: set[str]) -> set[str]:
    """Capitalised tokens that are not there only because they start a sentence."""
    out = set()
    for match in _WORD.finditer(line):
        word = match.group(0)
        if not word[0].isupper():
            continue
        name = _normalise_name(word)
        if _INITIALISM.match(word):
            out.add(name)  # "U.S.", "L.A.": never the pronoun or a sentence opener
            continue
        if len(name) < 2 or name in STOPWORDS or name in MONTHS or name in WEEKDAYS:
            continue
        if word.isupper() and len(name) > 5:
            continue  # shouted words ("BREAKING", "ESCAPE") rather than acronyms
        at_start = bool(_SENTENCE_START.search(line[: match.start()]))
        if at_start and (name in lower_vocabulary or _looks_like_common_word(name)):
            continue  # "Former", "Obviously": common words that happen to open a sentence
        out.add(name)
    return out


def extract_entities(title: str, sentences: Sequence[str]) -> frozenset[str]:
    """Normalised names, places, numbers and dates of an article.

    Args:
        title: the headline (often Title Case, so it only confirms names found in the body).
        sentences: the body, one sentence or line per item.
    Returns:
        A frozenset of entity strings such as ``"comeaux"``, ``"2013"``, ``"may 2"``, ``"6.1"``.
    """
    # Links spell names in lower case ("arcade-joseph-comeaux") and carry ids, so they are noise here.
    body = [repair_spacing(s) for s in sentences if not looks_like_url(s)]
    headline = repair_spacing(title)
    lower_vocabulary = {w.lower() for text in (*body, headline) for w in _WORD.findall(text) if w.islower()}
    entities: set[str] = set()
    names: set[str] = set()
    shouted: set[str] = set()
    for text in (headline, *body):
        dates, rest = _date_entities(text)
        entities |= dates
        entities |= _number_entities(rest)
        if _is_headline_case(_WORD.findall(rest)):
            shouted |= _name_tokens(rest, lower_vocabulary)
        else:
            names |= _name_tokens(rest, lower_vocabulary)
    # Capitals in a Title Case line say nothing, so its tokens count only when
    # nothing else names anyone (a bare headline beats no names at all); when
    # they are real names the body repeats them anyway.
    return frozenset(entities | (names or shouted))

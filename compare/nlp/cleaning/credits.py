"""Wire and contributor credits: the lines saying who reported, wrote or edited an article.

"Reuters and DPA contributed to this report", "Reporting by Jane Doe; Editing
by John Roe", "With inputs from PTI": attribution is part of the article, so
such a line is kept, as a ``credit`` block (shown as the article's credit and
never aligned, grouped or counted as a fact), not removed as furniture.

The rules read the conventions newsrooms share, not any site's strings: a
credit verb at the end of the line ("... contributed to this report"), a
credit label before a name ("Editing by", "Editor:"), "with" and an agency or
"inputs from", a note that the copy came from a wire feed. What a credit
names is names: a sentence that goes on to report something ("Reuters
reported that ...", "the minister contributed to the report on corruption,
officials said") is a fact. A dateline's "MOSCOW (Reuters) -" opens the first
sentence and stays in it: it is never a line of its own.
"""

from __future__ import annotations

import re

from compare.nlp.text.shape import has_terminal_punctuation, words

CREDIT = "credit"

# Credits are short; a longer line is a paragraph that happens to name an agency.
_MAX_WORDS = 40
# Reported speech is a fact, whoever it credits.
_REPORTED_SPEECH = re.compile(
    r"\b(?:said|says|told|tells|according|stated|announced|warned)\b|[\"“”]", re.IGNORECASE
)

# News agencies and the words for them. The list only widens the "With AFP" and
# "— Reuters" forms; the other forms take any name.
_AGENCY_NAMES = (
    "Associated Press", "AP", "Thomson Reuters", "Reuters", "REUTERS", "AFP", "Agence France-Presse",
    "Agence France Presse", "DPA", "dpa", "Deutsche Presse-Agentur", "Bloomberg", "Bloomberg News", "ANI",
    "PTI", "Press Trust of India", "IANS", "UNI", "Xinhua", "Xinhua News Agency", "TASS", "RIA Novosti",
    "Interfax", "Sputnik", "Kyodo", "Kyodo News", "Jiji", "Jiji Press", "Yonhap", "Yonhap News Agency", "EFE",
    "ANSA", "Anadolu", "Anadolu Agency", "AAP", "Canadian Press", "PA Media", "Press Association", "UPI",
    "KUNA", "WAM", "IRNA", "SANA", "MENA", "Bernama", "Antara", "Europa Press", "Lusa", "AGI", "BTA", "PAP",
    "Belga", "NTB", "Ritzau", "Ukrinform", "Prensa Latina", "Notimex", "CNA",
    "agencies", "news agencies", "wire services", "wires",
)  # fmt: skip
_AGENCY = r"(?:the\s+)?(?:{})".format(
    "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_AGENCY_NAMES, key=len, reverse=True))
)
_AGENCIES = rf"{_AGENCY}(?:\s*(?:,|/|&|\band\b)\s*{_AGENCY})*"
# A name or a list of names: capitalised words, with the particles names carry.
_NAME = r"(?:the\s+)?[A-Z][\w.'’&-]*(?:\s+(?:[A-Z][\w.'’&-]*|de|da|del|van|von|al|el|bin|of|and))*"
_NAMES = rf"(?:{_NAME}|{_AGENCY})(?:\s*(?:,|;|/|&|\band\b)\s*(?:{_NAME}|{_AGENCY}))*"
_END = r"\s*[.)\]]*$"

# The credit verbs, at the end of the line: "... contributed to this report", "... contributed
# reporting from Kyiv", "... contributed.", "... reported from Moscow, and John Roe from Kyiv."
_CREDIT_VERB = re.compile(
    r"\bcontributed(?:\s+additional)?(?:\s+(?:reporting|research|writing))?\s+(?:to|for)\s+(?:this|the)"
    r"\s+(?:report|story|article|coverage)(?:\s+from\s+[A-Z][^.;]*)?"
    + _END
    + r"|\bcontributed(?:\s+additional)?\s+(?:reporting|research)(?:\s+(?:from|in)\s+[A-Z][^.;]*)?"
    + _END
    + r"|\bcontributed(?:\s+(?:from|in)\s+[A-Z][^.;]*)?"
    + _END
    + r"|\breported\s+from\s+[A-Z][^.;]*"
    + _END
)
# Who a credit names: names, agencies and the words for newsroom staff ("Associated Press
# writer Sarah El Deeb in Beirut"); "The minister contributed to the report" is a fact.
_STAFF_WORDS = frozenset(
    {"writer", "writers", "correspondent", "correspondents", "reporter", "reporters", "journalist"}
    | {"journalists", "staff", "producer", "producers", "researcher", "researchers"}
)
_WORK_WORDS = frozenset({"report", "story", "article", "coverage", "reporting", "research"})
_CREDITED_WORDS = (
    _STAFF_WORDS
    | _WORK_WORDS
    | {"and", "in", "from", "of", "the", "also", "de", "da", "del", "van", "von", "al", "el", "bin"}
    | {"news", "agencies", "wires", "wire", "services", "additional", "writing", "contributed", "reported"}
    | {"to", "for", "this", "at", "a", "newspaper", "bureau", "com", "org", "net"}  # "of DallasNews.com"
)
_AGENCY_NAME = re.compile(rf"\b{_AGENCY}\b")


def _credited_by_name(text: str) -> bool:
    """A credit verb ends the line and everything before it is names and newsroom words."""
    found = _CREDIT_VERB.search(text)
    if found is None:
        return False
    subject = words(text[: found.start()])
    if not subject:
        return False
    if not all(t[:1].isupper() or t.lower() in _CREDITED_WORDS for t in subject + words(found.group())):
        return False
    # A bare "... contributed." needs a newsroom word or an agency: "Officials contributed." is not one.
    bare = found.group().lower().startswith("contributed") and not _WORK_WORDS & {
        t.lower() for t in words(found.group())
    }
    return not bare or bool(_STAFF_WORDS & {t.lower() for t in subject} or _AGENCY_NAME.search(text))


# Wire style: "Reporting by Jane Doe; Editing by John Roe", "(Additional reporting by Reuters)".
# A capital follows "by": "Written by hand, the letter ..." is not a credit.
_CREDIT_BY = re.compile(
    r"^[(\[]?\s*(?i:(?:with\s+)?(?:additional\s+)?(?:reporting|writing|editing|research|compiled|edited"
    r"|written|translated|translation|fact-checking|graphics|production)(?:\s+and\s+\w+)?\s+by)\s+[A-Z]"
)
# "With AFP", "(With inputs from agencies)", "--With assistance from Jane Doe", "With agency inputs".
_WITH = re.compile(
    rf"^[(\[]?\s*(?:[-–—]+\s*)?(?i:with)\s+(?:{_AGENCIES}"
    r"|(?i:(?:additional\s+)?(?:inputs?|reporting|information|material|assistance|contributions?|files)"
    r"\s+from)"
    rf"\s+(?:{_NAMES}|(?i:our|its|staff|agency|wire)\b[^.;,]{{0,40}})"
    rf"|(?i:agency\s+inputs|wire\s+(?:services|reports)|agencies)){_END}"
)
# "Editor: Xiang Bo", "Source: Xinhua", "Reporting: Jane Doe" ("Editor's note: ..." is not one;
# "Credit: Name/AP" is a photo credit).
_LABELLED = re.compile(
    r"^[(\[]?\s*(?:(?i:editors?|edited\s+by|editing|reporting|reporters?|writers?|written\s+by|compiled\s+by"
    rf"|translated\s+by|additional\s+reporting)\s*:\s*{_NAMES}|(?i:sources?)\s*:\s*{_AGENCIES}){_END}"
)
# A label and a list of names is short: "Sources: Sox May Not Be Out Of Teixeira Chase" is a headline.
_LABELLED_MAX_WORDS = 8
# "Information from Reuters was used in this report", "This story contains material from AP."
_MATERIAL = re.compile(
    rf"^(?i:(?:some\s+)?(?:information|material|reporting|content))\s+from\s+{_NAMES}"
    r"\s+(?i:(?:was|were|has\s+been|have\s+been|is)\s+(?:used|included)\s+in\s+(?:this|the)"
    r"\s+(?:report|story|article))"
    + _END
    + r"|^(?i:this\s+(?:report|story|article)\s+(?:contains|includes|uses)"
    rf"\s+(?:material|information|reporting))\s+from\s+{_NAMES}{_END}"
)
# "Compiled from wire reports", "Staff and wire reports", "From news agency reports".
_WIRE_REPORTS = re.compile(
    r"^(?:compiled\s+(?:by\s+[^.]{1,60}?\s+)?)?(?:from\s+)?(?:staff\s+and\s+)?"
    r"(?:wire|agency|news\s+agency|agencies)\s+(?:reports|services|dispatches)" + _END,
    re.I,
)
# Syndicated copy that says so: "published from a wire agency feed", "auto-generated from a syndicated feed".
_WIRE_FEED = re.compile(
    r"\b(?:from|via|through)\s+(?:a|the)\s+(?:wire|news|syndicated)(?:\s+agency)?\s+feed\b", re.I
)
# A bare agency after a dash or in brackets, as the last line of wire copy: "— AFP", "(Reuters)".
_AGENCY_SIGN_OFF = re.compile(rf"^(?:[-–—]+\s*{_AGENCIES}|\(\s*{_AGENCIES}\s*\)){_END}")


def is_credit_line(text: str) -> bool:
    """Whether a whole line is a wire or contributor credit.

    Args:
        text: one stripped line of normalised text.
    Returns:
        True for "Reuters and DPA contributed to this report" and its kin;
        False for any sentence that reports something.
    """
    n = len(words(text))
    if n == 0 or n > _MAX_WORDS or _REPORTED_SPEECH.search(text):
        return False
    # "Reporting by Reuters showed that ..." goes on as a sentence: a credit list has no
    # final stop, or its credits apart with semicolons, or is a few words long.
    credit_by = _CREDIT_BY.search(text) and (not has_terminal_punctuation(text) or ";" in text or n <= 6)
    return bool(
        credit_by
        or _credited_by_name(text)
        or _WITH.match(text)
        or (n <= _LABELLED_MAX_WORDS and _LABELLED.match(text))
        or _MATERIAL.match(text)
        or _WIRE_REPORTS.match(text)
        or _WIRE_FEED.search(text)
        or _AGENCY_SIGN_OFF.match(text)
    )

"""Rules that recognise page furniture in a single line of article text.

Each rule reads general signals rather than any site's strings: the line's
shape (short, no terminal punctuation, a ``Label:`` prefix, a ``Name/Agency``
tail), the vocabulary of user-interface actions (share, e-mail, print,
subscribe, sign up, log in, follow, comment, click, newsletter), and the
conventions newsrooms share (``(AP Photo/...)``, ``2 min read``). Wire and
contributor credits are not furniture: ``credits`` finds them, and the
pipeline keeps them as the article's credit before these rules run. Lines that read like reported speech (a
reporting verb, a quotation) are never furniture, so a real sentence that
mentions e-mail or subscribers survives.

Most rules judge one line. The parts of a line to strip (a doubled phrase, a
caption label, a credit) are found in ``line_edges``; the end of the page
(teasers for other stories) is judged in ``teasers``; repetition is handled
in the pipeline. Their names are importable from here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compare.nlp.cleaning.line_edges import doubled_unit_end, strip_credit
from compare.nlp.cleaning.teasers import CLOSING_REASONS, MARKER_REASONS, find_teasers
from compare.nlp.text.shape import (
    BODY_MIN_WORDS,
    has_terminal_punctuation,
    is_body_like,
    looks_like_heading,
    words,
)

__all__ = [
    "BODY_MIN_WORDS",
    "CLOSING_REASONS",
    "MARKER_REASONS",
    "REASONS",
    "Removal",
    "classify_line",
    "doubled_unit_end",
    "find_teasers",
    "has_terminal_punctuation",
    "is_bare_name",
    "is_body_like",
    "looks_like_heading",
    "strip_credit",
    "words",
]

REASONS: dict[str, str] = {
    "repeated": "Repeated paragraph or sentence",
    "doubled-phrase": "Phrase doubled on one line",
    "share-button": "Share, e-mail or print button",
    "signup-prompt": "Sign-up, subscription or newsletter prompt",
    "login-prompt": "Log-in prompt",
    "follow-prompt": "Follow, alert or app prompt",
    "reading-time": "Reading or listening time",
    "photo-credit": "Photo credit or caption label",
    "related-link": "Link to a related story",
    "more-stories": "Heading of a list of other stories",
    "teaser": "Teaser for another story",
    "comment-policy": "Comments prompt or policy",
    # "Source: ..." notes; articles cleaned before credits were kept (cleaning.credits) hold credits here.
    "contributor-line": "Source or contributor note",
    "byline": "Byline",
    "timestamp": "Publication date or time",
    "tags": "Tags, categories or post details",
    "site-notice": "Copyright, standards or site notice",
    "advert": "Advertisement label",
    "navigation": "Site navigation, link or section label",
    "separator": "Decorative separator",
    "editor-marked": "Marked as furniture by an editor",
}


@dataclass(frozen=True)
class Removal:
    """A piece of normalised text taken out of the article, and why."""

    text: str
    reason: str
    block: int
    start: int
    end: int


# Reported speech is content: UI labels never say who said what.
_REPORTED = re.compile(
    r"\b(?:said|says|told|tells|added|according|stated|declined|asked|reported|announced|warned)\b|[\"“”]",
    re.IGNORECASE,
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_SEPARATOR = re.compile(r"^[\W_]+$")
_READING_TIME = _rx(
    r"\b(?:\d+|one|two|three|four|five|ten)[\s-]*(?:min(?:ute)?s?\.?)[\s-]+(?:read|reading|listen)\b"
    r"|^(?:estimated\s+)?(?:reading|read|listening)\s+time\b|^listen to (?:this )?(?:article|story)\b"
)
# A source note that names no agency ("Source: Ministry of Health"). Wire and contributor
# credits ("Source: Reuters", "Reporting by ...") are kept as the article's credit (``credits``).
_SOURCE_NOTE = _rx(r"^\(?source\s*:")
_CREDIT_LINE = _rx(
    r"^(?:photo(?:graph)?s?|pictures?|images?|illustration|credit|courtesy|photo credit)\s*[:|]"
    r"|^(?:image|photo) (?:source|copyright|credit)\s*[,:|]"
    r"|^\(?(?:AP|AFP|Reuters|EPA|Getty)\s+(?:Photo|Images)\b"
)
_RELATED = _rx(
    r"^(?:>>|»|›|→|▶|►|➤)|^(?:read more|read also|also read|more reading|see also|related|recommended"
    r"|watch|listen|more|click here|further reading|continue reading|also on \w+)\b\s*[:|–—-]"
)
_RELATED_WHOLE = _rx(r"^(?:read more|related(?: (?:article|story|coverage|content))?|see also)$")
_TAGS_WHOLE = _rx(r"^(?:related )?(?:topics|tags|categories)$")
_MORE_STORIES = _rx(
    r"^(?:more (?:on|from|in|about|stories|news|top stories)\b|most (?:read|popular|viewed|shared|watched)"
    r"|top (?:stories|news)|you (?:may|might) (?:also )?(?:like|enjoy|have missed|be interested)"
    r"|recommended(?: for you| stories| reading)?$|trending|editors?[’']? ?picks|latest (?:news|stories)$"
    r"|related (?:stories|articles|content|coverage|news|links|internet links)"
    r"|explore more|in other news|(?:what to )?read next|around the web|popular (?:now|stories)"
    r"|other stories|also in (?:the )?news|don[’']t miss)"
)
_TAGS = _rx(r"^(?:tags?|topics?|categories|category|filed (?:under|in)|labels?|keywords?)\s*[:|–-]")
# A blog's "Posted on May 17, 2018 by admin" or "Posted in News | Tagged ...", not prose.
_POSTED = _rx(r"^posted (?:in|on|by|under)\b")
# Notices that open with their label may run long ("Privacy Notice: ... apply.").
_SITE_NOTICE_LABEL = _rx(
    r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\))?\s*\d{4}|(?:our standards|privacy (?:policy|notice)"
    r"|terms (?:of|and) (?:use|service|conditions))\s*:)"
)
# Site links that make a whole line.
_SITE_NOTICE_LINE = _rx(
    r"^(?:reuse this content|terms (?:of|and) (?:use|service|conditions)|privacy (?:policy|notice)"
    r"|cookie (?:policy|settings|preferences)|contact us|about us|report an error|advertise with us"
    r"|accessibility(?: statement)?|corrections? policy|skip to (?:main )?content|our standards)[.!]?$"
)
_SITE_NOTICE_ANYWHERE = _rx(
    r"all rights reserved|may not be (?:published|reproduced|redistributed)(?:,| or| in)|trust principles"
    r"|we use cookies"
)
_ADVERT = _rx(
    r"^(?:advertisement|advertising|ad|sponsored(?: content)?|paid (?:content|post|partner content)"
    r"|(?:story|article) continues (?:below|after)(?: (?:this )?advertisement)?|skip (?:advertisement|ad)"
    r"|continue reading (?:the main story|below)|scroll to continue(?: with content)?)[.:]?$"
)
_NAVIGATION = _rx(
    r"^(?:home|menu|search|sections?|close|back to top|next|previous|next (?:article|story)"
    r"|previous (?:article|story)|main menu|open menu|toggle navigation|go to|log out|more|edit)$"
)
# "By Jane Doe", "By JANE DOE and John Roe, Reuters", "By TOI staff and agencies", "By Reuters":
# the first name has two words or more (so "By Thursday, Russia Will Withdraw" is not one).
_TOKEN = r"[A-Z][\w.'’-]*"
_NAME_WORD = (
    rf"(?:{_TOKEN}|de|van|von|al|el|bin|da|le|la|staff|writers?|reporters?|correspondents?|agencies|wires)"
)
_PERSON = rf"{_TOKEN}(?:\s+{_NAME_WORD})+"
_BYLINE = re.compile(
    rf"^[Bb][Yy]\s+(?:{_PERSON}(?:\s*(?:,|and|&)\s*{_NAME_WORD}(?:\s+{_NAME_WORD})*)*"
    rf"(?:\s*[,|–—-]\s*{_TOKEN}(?:\s+{_TOKEN}){{0,3}})?|{_TOKEN})$"
)
# Under a headline, "Jane Doe in Moscow", "Jane Doe and John Roe in Beirut". A bare name
# could as well be a deck in title case; ``is_bare_name`` leaves that call to the pipeline.
_NAME = r"(?:[A-Z][a-z][\w'’.-]*\s+){1,2}[A-Z][a-z][\w'’.-]*"
_BYLINE_HEADER = re.compile(rf"^{_NAME}(?:\s+and\s+{_NAME})?\s+in\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)?$")
_BARE_NAME = re.compile(rf"^{_NAME}(?:\s+and\s+{_NAME})?$")
_URL = re.compile(r"^(?:https?\s*:\s*/\s*/|www\s*\.)\s*\S", re.IGNORECASE)
# Breadcrumbs: "News | Syria's War", "World › Middle East".
_BREADCRUMB = re.compile(r"^[^|›»>]{1,40}(?:\s*[|›»>]\s*[^|›»>]{1,40})+$")
# What a date line is made of; a line with nothing else is a timestamp.
_DATE_WORDS = _rx(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
    r"|\b(?:published|updated|posted|edited|created|last|modified|date|time|on|at|ago|hours?|hrs?|minutes?|mins?"
    r"|days?|weeks?|am|pm|a\.m\.|p\.m\.|yesterday|today)\b"
    r"|\b(?:gmt|bst|utc|cet|cest|eet|msk|idt|ist|sast|jst|hkt|sgt|wib|[ecmp][sd]?t|aest|aedt|awst|acst|acdt"
    r"|nzst|nzdt|akst|akdt|hst)\b"
    r"|\d+(?:st|nd|rd|th|am|pm)?|[\W_]+"
)
_DATE_SIGNAL = _rx(r"\d{1,2}\s?[:.]\s?\d{2}|\b(?:19|20)\d{2}\b|\bago\b|\b(?:published|updated)\b")

# Share bars: the action words, and the filler words buttons are made with.
_SHARE_WORDS = frozenset(
    {"share", "shares", "sharing", "e-mail", "email", "mail", "print", "tweet", "facebook", "twitter", "x"}
    | {"whatsapp", "linkedin", "reddit", "pinterest", "telegram", "messenger", "copy", "link", "url", "send"}
    | {"save", "saved", "bookmark", "flipboard", "pocket", "tumblr", "sms", "gift"}
)
_FILLER = frozenset(
    {"this", "the", "a", "an", "on", "to", "via", "in", "by", "with", "page", "article", "story", "options"}
    | {"icon", "button", "or", "and", "more"}
)
_SIGNUP = _rx(
    r"\b(?:subscribe|subscription|sign[ -]?up|newsletters?|free trial|unlimited access"
    r"|become a (?:member|subscriber)|support (?:our|independent|quality) journalism|donate"
    r"|save \d+\s?%|per month|inbox|register for free)\b"
)
_LOGIN = _rx(
    r"\b(?:log[ -]?in|sign[ -]?in|already (?:a (?:subscriber|member)|signed up|registered|have an account)"
    r"|create (?:a|an|your)(?: free)? account|forgot (?:your )?password|my account)\b"
)
# Comment words are prompts only with a policy word, or as a bare label ("Comments (12)").
_COMMENTS = _rx(r"\b(?:comments|commenting|commenters?)\b")
_COMMENT_LABEL = _rx(r"^(?:comments?|reply|replies|commenting)\b")
_COMMENT_POLICY = _rx(r"\b(?:approv\w*|moderat\w*|guidelines|policy|disabled|automatic)\b")
_COMMENT_PROMPT = _rx(
    r"\b(?:leave a (?:comment|reply)|post a comment|add a comment|join the (?:conversation|discussion)"
    r"|be the first to comment|comments? (?:are|is) (?:closed|open|disabled)|(?:show|view|load|read) comments"
    r"|\d+\s+comments?|comment policy)\b"
)
_UI_VERBS = _rx(
    r"^(?:click|tap|follow|download|share|subscribe|sign|log|print|e-?mail|send|swipe|scroll|register"
    r"|bookmark|get|join|try|start|become|support|unlock|enable|turn on|allow|don[’']t miss|want|enjoy)\b"
)
# "Follow" alone is a verb; as a prompt it comes with a channel ("us", "topics", a network).
_FOLLOW = _rx(
    r"\bfollow\b.*\b(?:us|our|topics?|authors?|twitter|facebook|instagram|whatsapp|telegram|x|linkedin)\b"
    r"|\b(?:alerts?|notifications?|icon|app|podcast|bell)\b"
)


def is_bare_name(text: str) -> bool:
    """One or two people's names and nothing else: "Jane Doe", "Jane Doe and John Roe"."""
    return bool(_BARE_NAME.match(text))


def _share_like(text: str) -> bool:
    tokens = [w.lower() for w in words(text)]
    if not tokens or len(tokens) > 8 or has_terminal_punctuation(text):
        return False
    # Every word must be button vocabulary: "Send in the troops" is a crosshead.
    return any(t in _SHARE_WORDS for t in tokens) and all(t in _SHARE_WORDS or t in _FILLER for t in tokens)


def _is_timestamp(text: str) -> bool:
    if len(words(text)) > 14 or not _DATE_SIGNAL.search(text):
        return False
    rest = _DATE_WORDS.sub(" ", text).split()
    return len(rest) <= 1


def _prompt_reason(text: str) -> str | None:
    """Sign-up, log-in, comment and follow prompts: UI vocabulary in a short, non-reporting line."""
    n = len(words(text))
    label_like = not has_terminal_punctuation(text) or text.endswith(":")
    imperative = bool(_UI_VERBS.search(text))
    personal = bool(re.search(r"\b(?:you|your)\b", text, re.IGNORECASE))
    asks = imperative or personal or "?" in text or text.lower().startswith("already")
    if _LOGIN.search(text) and n <= 15 and (asks or (label_like and n <= 4)):
        return "login-prompt"
    if n <= 15 and (
        _COMMENT_PROMPT.search(text) or (_COMMENTS.search(text) and _COMMENT_POLICY.search(text))
    ):
        return "comment-policy"
    if _COMMENT_LABEL.search(text) and label_like and n <= 3:
        return "comment-policy"
    labelled = ":" in text  # "Privacy Notice: Newsletters may contain ..."
    if _SIGNUP.search(text) and n <= 30 and (imperative or personal or labelled or (label_like and n <= 12)):
        return "signup-prompt"
    if _FOLLOW.search(text) and n <= 12 and (imperative or personal):
        return "follow-prompt"
    return None


def classify_line(text: str, *, in_header: bool = False) -> str | None:
    """Name the kind of furniture a whole line is, or None for content.

    Args:
        text: one stripped line of normalised text.
        in_header: the line sits between the headline and the first body
            paragraph, where a bare "Jane Doe in Moscow" is a byline.
    Returns:
        A key of ``REASONS`` or None.
    """
    if _SEPARATOR.match(text):
        return "separator"
    n = len(words(text))
    if n <= 12 and _READING_TIME.search(text):
        return "reading-time"
    if n <= 40 and _SOURCE_NOTE.search(text):
        return "contributor-line"
    if _SITE_NOTICE_LINE.match(text) or (
        not _REPORTED.search(text)
        and (
            (n <= 60 and _SITE_NOTICE_LABEL.search(text)) or (n <= 30 and _SITE_NOTICE_ANYWHERE.search(text))
        )
    ):
        return "site-notice"
    if n <= 12 and (_CREDIT_LINE.search(text) or _is_credit_only(text)):
        return "photo-credit"
    if n <= 30 and (_RELATED.search(text) or _RELATED_WHOLE.match(text)):
        return "related-link"
    if n <= 30 and (_TAGS.search(text) or _TAGS_WHOLE.match(text)):
        return "tags"
    if n <= 15 and _POSTED.search(text) and (not has_terminal_punctuation(text) or _DATE_SIGNAL.search(text)):
        return "tags"
    if n <= 8 and _MORE_STORIES.search(text) and not has_terminal_punctuation(text):
        return "more-stories"
    if _ADVERT.match(text):
        return "advert"
    if _is_timestamp(text):
        return "timestamp"
    if _NAVIGATION.match(text) or _URL.match(text):
        return "navigation"
    if n <= 8 and _BREADCRUMB.match(text) and not has_terminal_punctuation(text):
        return "navigation"
    if (n <= 12 and _BYLINE.match(text)) or (in_header and n <= 10 and _BYLINE_HEADER.match(text)):
        return "byline"
    if _share_like(text):
        return "share-button"
    if _REPORTED.search(text):
        return None
    return _prompt_reason(text)


def _is_credit_only(text: str) -> bool:
    start, end = strip_credit(text)
    return start == end

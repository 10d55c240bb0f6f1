"""Turn uploaded bytes into text, or say clearly why not.

Files arrive in whatever encoding the newsroom's tools wrote: UTF-8 (with or
without BOM), UTF-16 from Windows editors, Latin-1/cp1252 from old CMS exports.
Binary files (images, PDFs, archives) are refused rather than decoded into noise.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".jsonl")
HTML_EXTENSIONS = (".html", ".htm")

# Magic numbers of common binary formats, refused before any decoding attempt.
_BINARY_SIGNATURES = (
    b"PK\x03\x04",  # zip (docx, odt, a zip bomb named .html ...)
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # jpeg
    b"GIF8",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
)


class DecodeError(ValueError):
    """The bytes are not text we can read; the message is meant for the editor."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return name
    return None


def _looks_like_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: every other byte is NUL in Latin-script text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _control_ratio(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / len(sample)


# Non-ASCII characters that Western text in cp1252 is made of: accented letters
# and typographic punctuation. Statistical detectors often mistake short
# Latin-1 texts for Arabic or Cyrillic code pages, so this common case goes first.
_WESTERN = set(
    "\u00a0\u00ab\u00bb\u00b0\u00b7\u00e9\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a3"
) | {chr(c) for c in range(0xC0, 0x100)}


def _guess_single_byte_encoding(data: bytes) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    letters = sum(ch.isalpha() for ch in text)
    # In Western languages accented letters are a minority; a Cyrillic or Greek
    # text misread as cp1252 is made almost entirely of them.
    mostly_ascii = len(non_ascii) <= 0.3 * max(letters, 1)
    if text and mostly_ascii and sum(ch in _WESTERN for ch in non_ascii) >= 0.9 * len(non_ascii):
        return "cp1252"
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise DecodeError("The file's text encoding could not be recognised.")
    return best.encoding


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a file's bytes, detecting the encoding.

    Args:
        data: the file exactly as uploaded.
    Returns:
        The text and the encoding it was read with.
    Raises:
        DecodeError: empty, binary, or not decodable as any text encoding.
    """
    if not data or not data.strip():
        raise DecodeError("The file is empty.")
    if any(data.startswith(sig) for sig in _BINARY_SIGNATURES):
        raise DecodeError("This is a binary file (an image, PDF or archive), not text.")
    encoding = _bom_encoding(data) or _looks_like_bomless_utf16(data)
    if encoding is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            if b"\x00" in data[:8192]:
                raise DecodeError("This looks like a binary file, not text.") from None
            encoding = _guess_single_byte_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise DecodeError(f"The file is not valid {encoding} text.") from None
    text = text.lstrip("\ufeff")
    if "\x00" in text or _control_ratio(text) > 0.01:
        raise DecodeError("This looks like a binary file, not text.")
    if not text.strip():
        raise DecodeError("The file holds no text.")
    return DecodedText(text=text, encoding=encoding)

"""Bytes to text: encodings detected, binary refused with a clear reason."""

from __future__ import annotations

import pytest

from compare.nlp.text.decoding import DecodeError, decode_bytes

TEXT = (
    "Les dockers du Havre ont cessé le travail vendredi, selon la CGT. « C'est déjà trop », a dit un délégué."
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]
)
def test_it_reads_common_encodings(encoding):
    assert decode_bytes(TEXT.encode(encoding)).text == TEXT


def test_it_reads_cyrillic_in_a_legacy_code_page():
    text = "Президент России провёл встречу с президентом Сирии в Сочи в четверг."
    assert decode_bytes(text.encode("cp1251")).text == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3", "binary"),
        (b"PK\x03\x04\x14\x00\x00\x00", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x00\x00\x00\x01\x02\x03" * 100, "binary"),
    ],
)
def test_it_refuses_what_is_not_text(data, message):
    with pytest.raises(DecodeError, match=message):
        decode_bytes(data)


def test_it_strips_a_byte_order_mark():
    assert decode_bytes("\ufeffHello".encode("utf-8")).text == "Hello"

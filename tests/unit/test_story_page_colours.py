"""The fact backgrounds of the story page, from the stylesheet: told apart without markers, text readable."""

from __future__ import annotations

import re
from pathlib import Path

APP_CSS = Path(__file__).resolve().parents[2] / "static" / "compare" / "app.css"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _declarations(selector: str) -> dict[str, str]:
    """Every property of the rules naming exactly ``selector``, the stylesheet's last value winning."""
    css = re.sub(r"/\*.*?\*/", "", APP_CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    found: dict[str, str] = {}
    for selectors, body in RULE.findall(css):
        if selector in (s.strip() for s in selectors.split(",")):
            for declaration in body.split(";"):
                if ":" in declaration:
                    name, value = declaration.split(":", 1)
                    found[name.strip()] = value.strip()
    return found


def _colour(selector: str, prop: str) -> str:
    value = _declarations(selector)[prop]
    if match := re.fullmatch(r"var\((--[\w-]+)\)", value):
        value = _declarations(":root")[match[1]]
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_wcag():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#e3f1e6", "#fff4d6"), 2) == 1.07  # the old pair the issue measured


def test_shared_and_partly_shared_backgrounds_differ_without_their_markers():
    shared, partial = _colour(".state-same", "background"), _colour(".state-partial", "background")
    assert contrast(shared, partial) >= 1.3


def test_text_stays_readable_on_both_backgrounds():
    ink = _colour(":root", "--ink")
    for selector in (".state-same", ".state-partial"):
        assert contrast(ink, _colour(selector, "background")) >= 4.5


def test_every_block_of_the_stylesheet_is_closed():
    """A brace lost in a merge makes the browser drop every rule after it (it once unstyled the
    revision box and the feeds screen), so each block opened must close, never below zero."""
    css = re.sub(r"/\*.*?\*/", "", APP_CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    depth = 0
    for line_number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"a '}}' closes nothing at line {line_number}"
    assert depth == 0, f"{depth} block(s) left open"

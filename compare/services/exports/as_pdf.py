"""The PDF export: the HTML comparison page rendered by WeasyPrint, which fetches nothing."""

from __future__ import annotations

import logging

from compare.models import Story
from compare.services.exports.as_html import export_html
from compare.services.exports.base import Button, Exporter, ExportUnavailable

logger = logging.getLogger(__name__)


def export_pdf(story: Story, left_id: int | None = None, right_id: int | None = None) -> bytes:
    # Imported here, not at the top: WeasyPrint needs the Pango system library,
    # and a server without it must still serve every other page and format.
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        logger.error("PDF export unavailable: WeasyPrint cannot load", exc_info=exc)
        raise ExportUnavailable(
            "PDF export is not available on this server (a system library is missing; the details are "
            "in its log). The HTML export prints to PDF from any browser."
        ) from None
    html = export_html(story, left_id, right_id)
    # No base URL and no external references: WeasyPrint never fetches anything.
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused: {url}")


EXPORTER = Exporter("pdf", "application/pdf", export_pdf, (Button("PDF", follows_pair=True),))

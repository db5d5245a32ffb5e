"""PDF versions of the reports, by WeasyPrint with the self-hosted Noto Sans Khmer (as badges and certificates).

HarfBuzz shapes Khmer, so subscript consonants (ស្ត្រី) survive into the PDF's text layer; the fonts are read
from disk, so no network is needed.
"""

from django.conf import settings
from django.template.loader import render_to_string

# The screen stylesheet's SVG rules (fill, stroke) are unknown to WeasyPrint: charts carry their colours as
# presentation attributes, and the PDF has a stylesheet of its own.
STYLESHEETS = [settings.BASE_DIR / "static" / "css" / "reports-print.css"]


def report_pdf(template: str, context: dict) -> bytes:
    """Return the PDF of `template` rendered with `context`."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template, context)
    fonts = FontConfiguration()
    stylesheets = [CSS(filename=str(path), font_config=fonts) for path in STYLESHEETS]
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static" / "css"))
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts)

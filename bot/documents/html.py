"""HTML (a Confluence or SharePoint export, a saved page) to Markdown with beautifulsoup4 and markdownify."""

from __future__ import annotations

import re

from bot.documents import errors

_NOISE = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "iframe", "button"]
# where the page's own content sits in Confluence, SharePoint and plain HTML exports
_CONTENT = ("#main-content", ".wiki-content", "[role=main]", "main", "article", "#content", "body")


def html_to_markdown(data: bytes, name: str) -> tuple[str, int]:
    """Markdown of the page's main content (chrome and scripts dropped) and its heading count."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(_NOISE):
        tag.decompose()
    for crumbs in soup.select("#breadcrumb-section, .breadcrumbs, #footer, .page-metadata"):
        crumbs.decompose()
    root = next((found for css in _CONTENT if (found := soup.select_one(css)) is not None), soup)
    converter = MarkdownConverter(
        heading_style="ATX", bullets="-", strip=["a", "img"], escape_underscores=False, table_infer_header=True
    )
    markdown = converter.convert_soup(root)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    if not markdown:
        raise errors.empty(name)
    return markdown + "\n", max(1, len(re.findall(r"^#{1,6} ", markdown, re.M)))

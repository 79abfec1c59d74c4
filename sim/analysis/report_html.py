"""The HTML version of a sweep's report: one self-contained `report.html` (figures embedded as base64 PNG, tables as
HTML tables, no external file, script or style sheet), rendered from `report.md` with markdown-it-py."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt

from sim.cli.io import write_text

#: `![title](name.png)`: a figure beside the report.
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+\.png)\)")
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 75rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45;
       color: #222; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.88rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
img { max-width: 100%; height: auto; display: block; margin: 0.5rem 0 1.5rem; }
blockquote { border-left: 4px solid #c0392b; background: #fdf0ee; margin: 1rem 0; padding: 0.4rem 1rem; }
code { background: #f4f4f4; padding: 0 0.2rem; }
"""


def embed_figures(text: str, folder: Path) -> str:
    """`text` with each `![title](name.png)` of a PNG in `folder` pointing at the PNG itself (a data URI)."""

    def inline(match: re.Match) -> str:
        path = Path(folder) / match.group(2)
        if not path.is_file():
            return f"*(figure {match.group(2)} is missing)*"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"![{match.group(1)}](data:image/png;base64,{data})"

    return IMAGE.sub(inline, text)


def to_html(markdown: str, folder: Path, title: str) -> str:
    """The report's markdown as one HTML page; figures from `folder` embedded, raw HTML in the text escaped."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(embed_figures(markdown, folder))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_html(path: Path, markdown: str, folder: Path, title: str) -> Path:
    """Write `to_html(...)` to `path` atomically."""
    return write_text(path, to_html(markdown, folder, title))

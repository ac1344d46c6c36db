"""A chapter's text to HTML: a small safe subset, everything else escaped.

Paragraphs are split by blank lines; lines starting with ``- `` are bullets;
``**bold**`` and ``*italic*`` work inside a line. Nothing else is markup, so
a lesson file cannot put links, pictures or scripts into the panel.
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


def chapter_html(text: str) -> str:
    """``text`` in the lesson's formatting as HTML (see the module docstring).
    A line after a bullet that is not a bullet itself continues it."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        paragraph: list[str] = []
        bullets: list[str] = []
        for line in lines:
            if line.startswith("- "):
                if paragraph:
                    parts.append("<p>" + " ".join(paragraph) + "</p>")
                    paragraph = []
                bullets.append(_inline(line[2:]))
            elif bullets:
                bullets[-1] += " " + _inline(line)
            else:
                paragraph.append(_inline(line))
        if paragraph:
            parts.append("<p>" + " ".join(paragraph) + "</p>")
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in bullets) + "</ul>")
    return "\n".join(parts)

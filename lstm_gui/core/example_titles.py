"""The display titles of the shipped examples (File > Examples, messages):
one place, so the menu never shows a file name made readable by guesswork."""

from __future__ import annotations

#: Example name (its file's stem) -> the title a person reads.
EXAMPLE_TITLES = {
    "companies": "Companies A and B",
    "long-memory": "Long memory",
    "notebook": "Notebook",
    "statquest-tour": "StatQuest tour",
}


def example_title(name: str) -> str:
    """The title of the example ``name``; an unlisted one: its name with spaces, first letter capital."""
    if name in EXAMPLE_TITLES:
        return EXAMPLE_TITLES[name]
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]

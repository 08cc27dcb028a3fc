"""The two source documents, and where a verbatim quote stands in them.

Every fact of the graph cites a quote; the build only accepts a quote that really is
in its document, and records the line it starts on so a reader can open the text at
that place. Quotes are compared after folding white space and dropping the ``**`` bold
markers of the PDF extraction, so a quote may span the line breaks of the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Document", "normalise"]

_BOLD = re.compile(r"\*\*")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold a quote or a document to the form quotes are compared in.

    >>> normalise("the **Life Sciences**\\n  sector")
    'the Life Sciences sector'
    """
    return _SPACE.sub(" ", _BOLD.sub("", text)).strip()


@dataclass(frozen=True)
class Document:
    """A source document's text, folded once, with the line each folded character came from."""

    id: str
    path: Path
    folded: str = field(repr=False)
    lines: tuple[int, ...] = field(repr=False)

    @classmethod
    def read(cls, doc_id: str, path: Path) -> Document:
        chars: list[str] = []
        lines: list[int] = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for word in _BOLD.sub("", line).split():
                if chars:
                    chars.append(" ")
                    lines.append(number)
                chars.append(word)
                lines.extend([number] * len(word))
        return cls(doc_id, path, "".join(chars), tuple(lines))

    def locate(self, quote: str) -> int | None:
        """The line (from 1) the quote starts on, or None when the document does not say it."""
        wanted = normalise(quote)
        if not wanted:
            return None
        start = self.folded.find(wanted)
        return None if start < 0 else self.lines[start]

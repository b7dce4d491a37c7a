"""A Static for text that may hold what someone typed: never markup, and
control, escape and bidi characters neutralised before they reach a terminal."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static

from domain.text import safe_text


class Plain(Static):
    def __init__(self, content: VisualType = "", **kwargs) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(_safe(content), **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(_safe(content), layout=layout)


def _safe(content: VisualType) -> VisualType:
    if isinstance(content, str):
        return "\n".join(safe_text(line) for line in content.split("\n"))
    return content

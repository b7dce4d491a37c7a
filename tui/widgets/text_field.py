"""A text field whose typing repaints the field only.

Textual's `Input` sets its `virtual_size` (the text's width, for horizontal
scrolling) on every change of its value, and `virtual_size` is a reactive that
asks for a layout: every character typed re-arranged the whole screen. In an
exam room's first minutes, hundreds of candidates type their key and ~90
characters of identity at once, and that layout was most of each keystroke's
cost (measured with `bench/candidate_cpu.py`). The width of a field does not
depend on its text (unless it is `auto`, which `Input` still lays out), so the
virtual size is kept up to date without a layout pass."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class TextField(Input):
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

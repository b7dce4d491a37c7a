"""Check boxes and radio buttons whose state shows in the glyph, not only in colour.

Textual draws ``▐X▌`` for a checkbox and ``▐●▌`` for a radio button whatever
their state, and only the colour tells chosen from not chosen: nothing on a
monochrome lab terminal or for a colour-blind candidate. These draw ``[x]`` /
``[ ]`` and ``(•)`` / ``( )``, as the exam's answers do with ``(x)``."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


class TickBox(Checkbox):
    """A checkbox drawn ``[x]`` when ticked, ``[ ]`` when not."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")


class RadioChoice(RadioButton):
    """A radio button drawn ``(•)`` when chosen, ``( )`` when not."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("(", ("•" if self.value else " ", style), ")")

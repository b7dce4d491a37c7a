"""A partial repaint renders only the widgets it touches.

To repaint part of a screen, Textual's compositor renders every visible widget
whose *clip* overlaps the changed area. The clip of a widget inside a
scrolling container (or any container that clips) is the container's whole
content area, so a change anywhere in a form rendered every widget of the
form: about 19 widget renders per character typed in the identity form, 35
per answer on the QCM screen (each render a look-up in the widget's line
cache, its background colours, its segments cut into the screen's cuts).

`VisibleRendersCompositor` renders a widget only when its *visible* part (its
region within its clip) overlaps the changed area. The widgets it skips had
nothing to paint there: Textual paints only the changed spans, from the
widgets that cover them, and a widget that covers none of them contributes
nothing to the frame either way. Widgets come front to back, and the first
to paint a cell wins: once one widget's visible part covers the whole changed
area, those below it are not rendered at all (a character typed in a field
rendered the field and its three containers, for the field's line only).
The frames sent are the same.

It overrides a private method of Textual's `Compositor` (`_get_renders`) and
replaces the private `Screen._compositor`; tests/tui/test_visible_renders.py
fails if they change shape (pyproject pins Textual to a minor range).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class VisibleRendersCompositor(Compositor):
    """Textual's compositor, cropping partial renders by visible region."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(None)
            return
        crop_overlaps = crop.overlaps
        intersection = Region.intersection
        for widget, (region, clip) in self.visible_widgets.items():
            visible = intersection(region, clip)
            if not crop_overlaps(visible):
                continue
            if visible == region:
                lines = widget.render_lines(Region(0, 0, region.width, region.height))
            else:
                lines = widget.render_lines(
                    Region(visible.x - region.x, visible.y - region.y,
                           visible.width, visible.height))
            yield region, clip, lines
            if visible.contains_region(crop):
                return  # front to back: what lies below is covered here

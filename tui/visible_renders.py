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

It also leaves no reference cycle behind (tui/release.py): a line that needs
no cut caches itself in itself when the screen cuts it (`Strip.divide`), and
every layout leaves its map and widget set in a recursive closure of
Textual's `_arrange_root`; the first is dropped once the frame is composed,
the second emptied once the compositor has replaced it. Before, each frame
and each layout left garbage that only a full collection freed.

It overrides private methods of Textual's `Compositor` (`_get_renders`,
`reflow`, `reflow_visible`, `full_map`, `clear`), uses `Strip._divide_cache`,
and replaces the private `Screen._compositor`; tests/tui/test_visible_renders.py
and tests/tui/test_release.py fail if they change shape (pyproject pins
Textual to a minor range).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor, CompositorMap, ReflowResult
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget


class VisibleRendersCompositor(Compositor):
    """Textual's compositor, cropping partial renders by visible region."""

    # Each map and widget set `_arrange_root` makes stays in a cycle (see
    # the module docstring): once replaced, it is emptied, so the cycle no
    # longer keeps every widget it names until a full collection.

    def reflow(self, parent: Widget, size: Size) -> ReflowResult:
        replaced = self._full_map, self._visible_map, self.widgets
        result = super().reflow(parent, size)
        _empty(replaced, keep=(self._full_map, self.widgets))
        return result

    def reflow_visible(self, parent: Widget, size: Size) -> set[Widget]:
        replaced = self._visible_map, self.widgets
        exposed = super().reflow_visible(parent, size)
        _empty(replaced, keep=(self._visible_map, self.widgets))
        return exposed

    @property
    def full_map(self) -> CompositorMap:
        # Textual's property, emptying the map it replaces and the widget
        # set it does not keep.
        if self.root is None:
            return {}
        if self._full_map_invalidated:
            self._full_map_invalidated = False
            replaced = self._full_map, self._visible_map
            map, widgets = self._arrange_root(self.root, self.size, visible_only=False)
            self._full_map = map
            self._visible_widgets = None
            self._visible_map = None
            _empty((*replaced, widgets), keep=(map, self.widgets))
        return self._full_map

    def clear(self) -> None:
        visible = self._visible_map
        super().clear()
        _empty((visible,), keep=())

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        # The caller cuts each line into the screen's cuts (`Strip.divide`),
        # and a line that needs no cut caches itself in itself: a cycle per
        # line painted, that outlives the line in the widget's cache. Once
        # the caller is done with the lines (it asks for more, or stops),
        # those entries go.
        rendered: list[list[Strip]] = []
        try:
            for render in self._renders(crop):
                rendered.append(render[2])
                yield render
        finally:
            for lines in rendered:
                for line in lines:
                    _forget_itself(line)

    def _renders(self, crop: Region | None) -> Iterable[tuple[Region, Region, list[Strip]]]:
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


def _forget_itself(line: Strip) -> None:
    """Drop a line's cached division into itself alone (a one-entry cycle)."""
    divided = line._divide_cache._cache
    if divided:
        for cuts, parts in list(divided.items()):
            if len(parts) == 1 and parts[0] is line:
                del divided[cuts]


def _empty(replaced: Iterable[CompositorMap | set[Widget] | None],
           keep: Iterable[CompositorMap | set[Widget] | None]) -> None:
    """Empty the maps and widget sets the compositor no longer holds."""
    kept = {id(held) for held in keep}
    for held in replaced:
        if held is not None and id(held) not in kept:
            held.clear()

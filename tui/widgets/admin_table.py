"""A row-cursor DataTable whose cells are plain text (never markup), made
safe to show, and which keeps the cursor on the same row across refills."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from domain.text import safe_text


def plain(value: object, limit: int | None = None) -> Text:
    """A cell: typed text shown as is (no markup, no escapes), on one line."""
    text = "" if value is None else str(value)
    return Text(safe_text(" ".join(text.split()) if "\n" in text else text, limit))


class AdminTable(DataTable):
    DEFAULT_CSS = """
    AdminTable {
        height: 1fr;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def fill(self, columns: Sequence[str], rows: Sequence[tuple[object, Sequence[object]]],
             limit: int = 60) -> None:
        """Replace the content; `rows` are (key, cells). The cursor stays on
        the row with the same key when it is still there."""
        keep = self.selected_key
        texts = [(key, [plain(c, limit) for c in cells]) for key, cells in rows]
        self.clear(columns=True)
        # Widths computed here rather than left to the table: they are right
        # at once, even when the table is refilled before it measured itself.
        for i, label in enumerate(columns):
            width = max([cell_len(label), *(t[i].cell_len for _, t in texts)])
            self.add_column(label, width=width)
        for key, cells in texts:
            self.add_row(*cells, key=str(key))
        if keep is not None:
            try:
                self.move_cursor(row=self.get_row_index(keep))
            except RowDoesNotExist:  # the row is gone: the cursor stays where it is
                pass

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return key.value

"""Page geometry, colours and French wording shared by every document."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 17 * mm
FOOTER_Y = 9 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

INK = HexColor("#111111")
ACCENT = HexColor("#1F3A5F")
MUTED = HexColor("#5A5A5A")
FAINT = HexColor("#9A9A9A")
RULE = HexColor("#B8C2CC")
TINT = HexColor("#EEF2F6")

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


def french_date(day: date) -> str:
    """'1er juillet 2026', '14 juillet 2026'."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day of an aware moment in a centre's time zone."""
    try:
        return moment.astimezone(ZoneInfo(timezone)).date()
    except (ValueError, KeyError):
        return moment.date()


def hrule(canvas, x: float, y: float, width: float, colour: Color = RULE,
          thickness: float = 0.6) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(thickness)
    canvas.line(x, y, x + width, y)
    canvas.restoreState()

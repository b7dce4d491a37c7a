"""The three bank file formats behind one pair of functions."""

from __future__ import annotations

from pathlib import PurePath

from domain.bank import dump_bank, parse_bank
from domain.models import Formation, QuestionBank

# GIFT and Moodle XML load when used: the XML reader pulls in xml.sax and
# urllib (tens of ms), which `qcm qcm list` does not need.

FORMATS = ("toml", "gift", "xml")
EXTENSIONS = {"toml": ".toml", "gift": ".gift", "xml": ".xml"}


def guess_format(filename: str | None) -> str:
    """The format a file name suggests (TOML when it says nothing)."""
    suffix = PurePath(filename).suffix.lower() if filename else ""
    return {".gift": "gift", ".txt": "gift", ".xml": "xml"}.get(suffix, "toml")


def needs_header(fmt: str) -> bool:
    """GIFT and Moodle XML do not carry the formation's code, name, size, pass mark."""
    return fmt != "toml"


def read_bank(source: str, fmt: str, header: Formation | None = None) -> QuestionBank:
    """Parse `source`; raises domain.bank.BankError listing every problem."""
    if fmt == "toml":
        return parse_bank(source)
    if header is None:
        raise ValueError("GIFT and Moodle XML need the formation header")
    if fmt == "gift":
        from domain.gift import parse_gift
        return parse_gift(source, header)
    if fmt == "xml":
        from domain.moodle_xml import parse_moodle_xml
        return parse_moodle_xml(source, header)
    raise ValueError(f"unknown bank format {fmt!r}")


def write_bank(bank: QuestionBank, fmt: str) -> str:
    if fmt == "toml":
        return dump_bank(bank)
    if fmt == "gift":
        from domain.gift import dump_gift
        return dump_gift(bank)
    if fmt == "xml":
        from domain.moodle_xml import dump_moodle_xml
        return dump_moodle_xml(bank)
    raise ValueError(f"unknown bank format {fmt!r}")

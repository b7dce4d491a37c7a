"""Plain question text to and from the HTML Moodle stores.

Our questions are plain text (line breaks allowed). Moodle keeps HTML. We
read HTML by keeping its text: entities decoded, <br> and block ends as line
breaks, the source's own line breaks and indentation folded to one space,
scripts and styles dropped. Images and embedded files are refused: an exam
screen in a terminal cannot show them."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
           "ul", "ol", "table"}
_DROPPED = {"script", "style", "head", "title"}
_MEDIA = {"img", "video", "audio", "object", "embed", "iframe", "svg", "math"}
# Folding keeps runs of plain spaces (we write them so), not source layout.
_SOURCE_LAYOUT = re.compile(r" *[\t\n\r\f][ \t\n\r\f]*")


class MediaRefused(ValueError):
    """The HTML holds an image or other embedded medium."""


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.media: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROPPED:
            self.skipping += 1
        elif tag in _MEDIA:
            self.media.append(tag)
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(_SOURCE_LAYOUT.sub(" ", data))


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment; MediaRefused if it embeds media."""
    if "@@PLUGINFILE@@" in markup:
        raise MediaRefused("fichier joint")
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    if collector.media:
        raise MediaRefused(collector.media[0])
    lines = "".join(collector.parts).split("\n")
    text = "\n".join(line.strip(" ") for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_to_html(text: str, paragraph: bool = True) -> str:
    """Line breaks become <br>, markup characters entities; in one <p> if `paragraph`."""
    body = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<p>{body}</p>" if paragraph else body

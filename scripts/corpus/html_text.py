"""HTML (DocBook/Publican/Sphinx output as Debian ships it) → paragraphs of plain text.

Block elements end a paragraph; <pre> keeps its line breaks; navigation, tables of contents,
tables and scripts are skipped whole, because they are not running text.
"""
from html.parser import HTMLParser

from text_normalise import finish_paragraph, split_blocks

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main ol p pre section ul".split())
# Elements without an end tag; they can never open a skipped region.
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split())
SKIP_TAGS = frozenset("head script style nav table object svg math button select textarea".split())
# Navigation bars, tables of contents, "¶" anchors, sidebars and page furniture of the generators
# used by Debian's manuals (DocBook XSL, Publican, Sphinx).
SKIP_CLASSES = frozenset(
    "docnav toc list-of-tables list-of-examples list-of-figures navheader navfooter sphinxsidebar "
    "related footer headerlink table informaltable this-page-menu clearer toctree-wrapper "
    "fn-backref footnote-reference indexterm language_switcher_placeholder".split())
SKIP_IDS = frozenset("banner title searchbox".split())
# Stands for <br> until the paragraph is assembled: the only line break outside <pre>, since the
# newlines of the HTML source are just white space.
_LINE_BREAK = "\u2028"


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._pieces: list[str] = []
        self._pre_depth = 0
        self._pieces_are_pre = False
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._bullet = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag == "br":
            self._pieces.append(_LINE_BREAK)
            return
        if tag in VOID_TAGS:
            if tag == "hr":
                self._flush()
            return
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag in SKIP_TAGS or classes & SKIP_CLASSES or attributes.get("id") in SKIP_IDS:
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "pre":
            self._pre_depth += 1
            self._pieces_are_pre = True
        elif tag == "li":
            self._bullet = "- "

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        elif tag == "li":
            self._bullet = ""  # an item whose text was all skipped must not lend its bullet on

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self._pieces.append(data)

    def _flush(self) -> None:
        text = "".join(self._pieces)
        self._pieces = []
        if self._pieces_are_pre:
            self._pieces_are_pre = self._pre_depth > 0
            for block in split_blocks(text.replace(_LINE_BREAK, "\n")):
                self._emit(finish_paragraph(block, wrapped=False, keep_indent=True))
        else:
            lines = [" ".join(line.split()) for line in text.split(_LINE_BREAK)]
            self._emit(finish_paragraph([l for l in lines if l], wrapped=False))

    def _emit(self, paragraph: str) -> None:
        if paragraph:
            self.paragraphs.append(self._bullet + paragraph)
            self._bullet = ""

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_paragraphs(html: str) -> list[str]:
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    return parser.paragraphs

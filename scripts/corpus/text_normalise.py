"""Plain-text normalisation shared by every corpus source.

A document reaches the corpus as a list of paragraphs. Paragraphs are separated by one blank line
in the output, so no paragraph may contain a blank line itself; lines inside a paragraph keep their
breaks only where the break means something (code, verse, lists), which is decided by the source.
"""
import re
import unicodedata

# A line with this share of letters among its non-space characters, or more, counts as text.
# Tables of symbols, ASCII art and rows of numbers fall below it; shell commands stay above it.
MIN_LETTER_SHARE = 0.4
# Lines shorter than this are judged only by having a letter at all ("}" goes, "NAME" stays).
SHORT_LINE = 8
# Paragraphs whose letters are less Latin than this (CJK, Cyrillic, Greek…) are not English.
MIN_LATIN_SHARE = 0.9
# Only paragraphs at least this long are deduplicated: shorter ones ("DESCRIPTION", "Note",
# "Syn: one") repeat legitimately as structure and carry little to memorise.
DEDUP_MIN_CHARS = 64
# When re-joining hard-wrapped text, a line shorter than this is a deliberate break (heading,
# verse, signature), not the wrap of a paragraph filled to ~72 columns.
WRAPPED_LINE_MIN = 45

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff\u00ad]")
_OVERSTRIKE = re.compile(r".\x08")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_LIST_MARK = re.compile(r"^\s*([-*+•o]|\d+[.)]|[a-z][.)])\s+")

_ENGLISH_STOP = frozenset(
    "the of and to in is that it for as with was on be by this are or not an from at which have "
    "but all they has were can if its their will one there when been who would you more no".split())
# Words that are also English or common in code and host names ("die", "per", "non-free",
# "falcot.com", "del") are left out, so configuration files do not read as foreign.
_FOREIGN_STOP = frozenset(
    "der das und ist nicht mit für auf ein eine wird sich auch werden "
    "les est pour dans une du qui pas sur avec sont cette "
    "el los las es para por una como más "
    "il di che gli della sono "
    "não uma das "
    "het een van niet voor zijn".split())
_WORD = re.compile(r"[^\W\d_]+")


def clean_line(line: str) -> str:
    """One physical line: NFC, no control or zero-width characters, tabs expanded, no overstrike."""
    line = _OVERSTRIKE.sub("", line)
    line = unicodedata.normalize("NFC", line.expandtabs(8))
    return _CONTROL.sub("", line).rstrip()


def collapse_spaces(line: str) -> str:
    """Runs of spaces become one, except the line's own indentation."""
    body = line.lstrip(" ")
    return line[: len(line) - len(body)] + _SPACES.sub(" ", body)


def is_text_line(line: str) -> bool:
    stripped = line.strip()
    letters = sum(ch.isalpha() for ch in stripped)
    if letters == 0:
        return False
    if len(stripped) < SHORT_LINE:
        return True
    non_space = sum(not ch.isspace() for ch in stripped)
    return letters / non_space >= MIN_LETTER_SHARE


def is_latin(paragraph: str) -> bool:
    letters = [ch for ch in paragraph if ch.isalpha()]
    if not letters:
        return False
    latin = sum(ord(ch) < 0x250 for ch in letters)
    return latin / len(letters) >= MIN_LATIN_SHARE


def looks_foreign(paragraph: str) -> bool:
    """True when a paragraph reads as another European language: more of its function words are
    German, French, Spanish, Italian, Portuguese or Dutch than English. Code has neither: stays."""
    english = foreign = 0
    for word in _WORD.findall(paragraph.lower()):
        english += word in _ENGLISH_STOP
        foreign += word in _FOREIGN_STOP
    return foreign >= 3 and foreign > english


def dedent(lines: list[str]) -> list[str]:
    indents = [len(l) - len(l.lstrip(" ")) for l in lines if l.strip()]
    cut = min(indents, default=0)
    return [l[cut:] for l in lines]


def compact_indent(lines: list[str]) -> list[str]:
    """Keeps the nesting of indented lines but not their width: the k-th distinct indentation of a
    paragraph becomes 2k spaces (groff indents by 7, fortunes by tabs: mostly wasted tokens)."""
    levels = sorted({len(l) - len(l.lstrip(" ")) for l in lines})
    depth = {indent: 2 * rank for rank, indent in enumerate(levels)}
    return [" " * depth[len(l) - len(l.lstrip(" "))] + l.lstrip(" ") for l in lines]


def reflow(lines: list[str]) -> list[str]:
    """Re-join hard-wrapped prose. A line is continued by the next one unless it is short (a
    deliberate break) or the next one starts a list item; continuation lines lose their indent."""
    out: list[str] = []
    joinable = False
    for line in lines:
        if out and joinable and not _LIST_MARK.match(line):
            out[-1] = out[-1] + " " + line.strip()
        else:
            out.append(line)
        joinable = len(line.strip()) >= WRAPPED_LINE_MIN
    return out


def split_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of cleaned lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = clean_line(raw)
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def finish_paragraph(lines: list[str], wrapped: bool, keep_indent: bool = False) -> str:
    """Lines of one block → one paragraph string ('' when nothing textual is left). `keep_indent`
    keeps indentation as it was (code in <pre>), otherwise it is compacted."""
    lines = [clean_line(l) for l in lines]
    lines = [l for l in lines if is_text_line(l)]
    if not lines:
        return ""
    lines = dedent(lines)
    if wrapped:
        lines = reflow(lines)
    if not keep_indent:
        lines = compact_indent(lines)
    return "\n".join(collapse_spaces(l) for l in lines).strip("\n")


def paragraphs_from_text(text: str, wrapped: bool) -> list[str]:
    """Plain text (blank lines between paragraphs) → paragraphs. `wrapped`: the lines were filled to
    a fixed width and should be re-joined; otherwise every line break is kept."""
    paragraphs = (finish_paragraph(block, wrapped) for block in split_blocks(text))
    return [p for p in paragraphs if p]


def dedup_key(paragraph: str) -> str | None:
    """What two paragraphs must share to count as the same; None when too short to deduplicate."""
    if len(paragraph) < DEDUP_MIN_CHARS:
        return None
    return " ".join(paragraph.split())

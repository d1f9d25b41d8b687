"""The Debian packages the corpus is made of: which files of each are used and how each file
becomes documents (a document is an id and its paragraphs; the id decides the train/valid split).

Order matters: when two sources share a paragraph, the earlier source keeps it.
"""
import gzip
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import gcide
from debian_package import package_files
from html_text import html_to_paragraphs
from text_normalise import paragraphs_from_text

Documents = Iterator[tuple[str, list[str]]]

# Fortune files left out: pictures rather than text, and two files of jokes built on ethnic and
# gender stereotypes (they are in Debian's non-offensive set, but add nothing a base model needs).
FORTUNES_LEFT_OUT = ("ascii-art", "ethnic", "men-women")
# The cookie files themselves: no extension (.dat is their index, .u8 a link to them).
_FORTUNE_FILES = rf"^/usr/share/games/fortunes/(?!({'|'.join(FORTUNES_LEFT_OUT)})$)[^./]+$"
# Rendered wider than any paragraph, so that groff's own line filling never splits one.
MAN_WIDTH = 4000
# groff puts man sections' headings at column 0 and subsections' at 3, their text at 7 or more:
# a line indented this much or less is a heading, a paragraph of its own.
MAN_HEADING_MAX_INDENT = 3
BIBLE_LINE_WIDTH = 100000  # likewise for `bible`, which otherwise wraps verses at 80 columns
_TOOL_ENV = {"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "MANWIDTH": str(MAN_WIDTH)}


@dataclass(frozen=True)
class Source:
    package: str
    description: str
    select: str  # regular expression over the package's file list
    to_documents: Callable[[list[str]], Documents]
    # For a free-form copyright file (no DEP-5 License fields): what a person read in it, and a
    # phrase the file must still contain for that reading to hold.
    licence_note: str = ""
    licence_phrase: str = ""
    tools: tuple[str, ...] = ()  # packages needed to read the files, not themselves text

    def files(self) -> list[str]:
        pattern = re.compile(self.select)
        chosen = {f for f in package_files(self.package) if pattern.search(f)}
        return sorted(f for f in chosen if os.path.isfile(f) and not os.path.islink(f))


def _read(path: str) -> str:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


def _document_id(path: str) -> str:
    """Unique within a package and stable across rebuilds: the path below /usr/share."""
    return path.removeprefix("/usr/share/")


def html_documents(files: list[str]) -> Documents:
    for path in files:
        yield _document_id(path), html_to_paragraphs(_read(path))


def wrapped_text_documents(files: list[str]) -> Documents:
    for path in files:
        yield _document_id(path), paragraphs_from_text(_read(path), wrapped=True)


def _render_man_page(path: str) -> str:
    """man-db's own pipeline (preconv, tbl, groff) to plain text: no hyphenation, no justification,
    no overstrike when its output is not a terminal."""
    done = subprocess.run(["man", "--nh", "--nj", "-l", path], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=_TOOL_ENV)
    if done.returncode != 0:  # a silent gap would make the corpus depend on the machine
        raise RuntimeError(f"man could not render {path}: {done.stderr.strip()}")
    return done.stdout


def _is_man_link(path: str) -> bool:
    """A page whose whole body is ".so other.3" only points at another page."""
    comments = ('.\\"', "'\\\"")
    lines = [l for l in _read(path).splitlines() if l.strip() and not l.startswith(comments)]
    return len(lines) == 1 and lines[0].startswith(".so ")


def _is_man_heading(line: str) -> bool:
    return bool(line.strip()) and len(line) - len(line.lstrip(" ")) <= MAN_HEADING_MAX_INDENT


def man_documents(files: list[str]) -> Documents:
    pages = [p for p in files if not _is_man_link(p)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for path, text in zip(pages, pool.map(_render_man_page, pages)):
            # The first and last lines are the running header and footer ("open(2) … open(2)").
            lines = text.strip("\n").split("\n")[1:-1]
            body = "\n".join(f"\n{line}\n" if _is_man_heading(line) else line for line in lines)
            paragraphs = paragraphs_from_text(body, wrapped=False)
            if paragraphs:
                yield _document_id(path), paragraphs


def fortune_documents(files: list[str]) -> Documents:
    """Each fortune (between lines holding only "%") is a document of its own."""
    for path in files:
        for number, fortune in enumerate(re.split(r"^%$", _read(path), flags=re.M)):
            paragraphs = paragraphs_from_text(fortune, wrapped=True)
            if paragraphs:
                yield f"{os.path.basename(path)}#{number:05d}", paragraphs


def gcide_documents(files: list[str]) -> Documents:
    dict_dz = next(f for f in files if f.endswith(".dict.dz"))
    index = next(f for f in files if f.endswith(".index"))
    yield from gcide.read_entries(dict_dz, index)


def bible_documents(files: list[str]) -> Documents:
    """Every chapter of the King James Version, read through the `bible` program of bible-kjv
    (which finds the installed data file itself): the "Book N" heading, then one line per verse
    with its number dropped."""
    text = subprocess.run(["bible", f"-l{BIBLE_LINE_WIDTH}", "Ge1:1-Rev22:21"], check=True,
                          capture_output=True, text=True, env=_TOOL_ENV).stdout
    chapter, verses = "", []
    for line in text.split("\n"):
        if verse := re.match(r"^\s+\d+ (.*)$", line):
            verses.append(verse.group(1).strip())
        elif line.strip():
            if verses:
                yield chapter, [chapter, "\n".join(verses)]
            chapter, verses = line.strip(), []
    if verses:
        yield chapter, [chapter, "\n".join(verses)]


SOURCES: tuple[Source, ...] = (
    Source("debian-handbook", "The Debian Administrator's Handbook (English HTML only)",
           r"^/usr/share/doc/debian-handbook/html/en-US/[^/]+\.html$", html_documents),
    Source("debian-reference-en", "Debian Reference (English HTML)",
           r"^/usr/share/debian-reference/[^/]+\.en\.html$", html_documents),
    Source("debian-policy", "Debian Policy Manual, Perl and menu policies, copyright format, "
           "debconf specification, autopkgtest, Filesystem Hierarchy Standard (HTML)",
           r"^/usr/share/doc/debian-policy/(((policy|menu-policy|perl-policy)\.html/"
           r"(?!genindex|search)[^/]+)|autopkgtest|copyright-format-1\.0|debconf_specification"
           r"|fhs/fhs-3\.0)\.html$", html_documents),
    Source("developers-reference", "Debian Developer's Reference (HTML, one page per chapter)",
           r"^/usr/share/developers-reference/(?!developers-reference\.html|search\.html)"
           r"[^/]+\.html$", html_documents),
    Source("maint-guide", "Debian New Maintainers' Guide (English HTML)",
           r"^/usr/share/doc/maint-guide/html/[^/]+\.en\.html$", html_documents),
    Source("debian-faq", "The Debian GNU/Linux FAQ (English HTML)",
           r"^/usr/share/doc/debian/FAQ/[^/]+\.en\.html$", html_documents,
           licence_note="verbatim and modified copies permitted under the same notice "
                        "(Copyright 1996-2003 Software in the Public Interest)",
           licence_phrase="Permission is granted to copy and distribute modified versions"),
    Source("doc-debian", "Debian constitution, social contract, manifesto, bug-tracking docs "
           "(current versions only)",
           r"^/usr/share/doc/debian/(bug-[^/]+|constitution|social-contract|debian-manifesto|"
           r"mailing-lists|source-unpack)(\.txt)?(\.gz)?$", wrapped_text_documents,
           licence_note="GPL (bug-tracking documents); Open Publication License v1.0 without "
                        "options (documents from www.debian.org)",
           licence_phrase="Open Publication License"),
    Source("manpages", "Linux man-pages: sections 1, 4, 5, 7, 8 (English)",
           r"^/usr/share/man/man\d\w*/[^/]+\.gz$", man_documents, tools=("man-db", "groff-base")),
    Source("manpages-dev", "Linux man-pages: sections 2 and 3 (English)",
           r"^/usr/share/man/man\d\w*/[^/]+\.gz$", man_documents, tools=("man-db", "groff-base")),
    Source("bible-kjv-text", "The Bible, King James Version (1611), one document per chapter",
           r"^/usr/lib/bible\.data$", bible_documents,
           licence_note="public domain (the 1611 translation's copyright has expired); "
                        "retrieval software GPL-2+",
           licence_phrase="copyright for the King James Version text of the Bible is expired",
           tools=("bible-kjv",)),
    Source("fortunes-min", "fortune cookies: fortunes, literature, riddles",
           _FORTUNE_FILES, fortune_documents,
           licence_note="BSD-3-clause (University of California) per the copyright file; "
                        "the quotation files carry no licence of their own",
           licence_phrase="Redistribution and use in source and binary forms"),
    Source("fortunes", "fortune cookies, Debian's non-offensive set (less three files, see "
           "FORTUNES_LEFT_OUT)",
           _FORTUNE_FILES, fortune_documents,
           licence_note="BSD-3-clause (University of California) per the copyright file; "
                        "the quotation files carry no licence of their own",
           licence_phrase="Redistribution and use in source and binary forms"),
    Source("dict-gcide", "GNU Collaborative International Dictionary of English 0.48 "
           "(Webster 1913 + WordNet 1.5 + later additions), one document per entry",
           r"^/usr/share/dictd/gcide\.(dict\.dz|index)$", gcide_documents,
           licence_note="GPL-2+",
           licence_phrase="GCIDE is free software; you can redistribute it and/or modify it under "
                          "the terms of the GNU General Public License as published by the Free "
                          "Software Foundation; either version 2"),
)

"""GCIDE as Debian's dict-gcide ships it (dictd format) → one plain-text document per entry.

Format: gcide.index has one line per headword, "headword TAB offset TAB length", the two numbers
in dictd's base-64 digits; offset and length are bytes of gcide.dict.dz once decompressed (a
dictzip file is a gzip file, so Python's gzip reads it). Several headwords share one entry.

An entry is Webster-1913 style text with ASCII escapes for accents ("['e]" for é), pronunciations
between backslashes or in parentheses, "{Word}" cross-references and source tags such as
"[1913 Webster]". Pronunciations and source tags are dropped, accents become Unicode, braces go.
"""
import gzip
import re
import unicodedata
from collections.abc import Iterator

from text_normalise import paragraphs_from_text

_DICTD_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

# The mark inside an escape such as "['e]" or "[a^]" and the combining character it stands for.
_MARK_BEFORE = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
                ",": "\u0327", "=": "\u0304", ".": "\u0323", "*": "\u030a", "-": "\u0304"}
_MARK_AFTER = {"^": "\u0306"}  # "[a^]" is a breve, "[^a]" a circumflex
_NAMED = {
    "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "eth": "ð", "thorn": "þ", "yogh": "ȝ",
    "deg": "°", "sect": "§", "pounds": "£", "root": "√", "frac12": "½", "frac14": "¼",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "Sigma": "Σ", "phi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Omega": "Ω", "Upsilon": "Υ",
    # Webster's phonetic letters that outlive the pronunciations (in etymologies): nearest letters.
    "th": "th", "ng": "ng", "imac": "ī", "asl": "a", "aum": "ä", "add": "ä", "udd": "u",
}
_ESCAPE = re.compile(r"\[([A-Za-z]{2,7}|['`^\"~,=.*\-][A-Za-z]{1,2}|[A-Za-z]{1,2}\^)\]")
_SOURCE_TAG = re.compile(
    r"\[\s*(?:(?:\+\s*)?(?:1913 Webster|Webster 1913 Suppl\.|WordNet(?: 1\.\d| sense \d+)?|"
    r"PJC\.?|RHUD|RDH|AS|RP|Century Dict\.?,? 1906)\s*)+\]")
_BACKSLASH_PRONUNCIATION = re.compile(r"\s*\\[^\\\n]*\\")
# "(b[.a]th; 61)", "(-l[imac])", "(Ep\"i*gram)": parentheses holding escapes or stress marks.
_PAREN_PRONUNCIATION = re.compile(r"\s*\((?=[^(){}\n]*(?:\[[^\]\s]{1,6}\]|\w[*\"`]))[^(){}\n]*\)")
_STRESS_MARK = re.compile(r"(?<=\w)[*\"`](?=\w)")  # "Venge\"a*bly" in run-on derived words
_LOST_GREEK = re.compile(r" \?(?=[\s,.;:\]])")  # Greek the conversion could not keep is "?"
_BREAK_LINE = re.compile(r"^\s*\[break\]\s*$", re.M)


def _dictd_number(digits: str) -> int:
    value = 0
    for digit in digits:
        value = value * 64 + _DICTD_DIGITS.index(digit)
    return value


def entry_spans(index_text: str) -> list[tuple[int, int]]:
    """(offset, length) of every distinct entry, in file order, without dictd's "00-" metadata."""
    spans = set()
    for line in index_text.splitlines():
        headword, offset, length = line.split("\t")
        if not headword.startswith("00-"):
            spans.add((_dictd_number(offset), _dictd_number(length)))
    return sorted(spans)


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in _NAMED:
        return _NAMED[code]
    if code[0] in _MARK_BEFORE and code[1:].isalpha() and len(code) <= 3:
        return unicodedata.normalize("NFC", code[1:] + _MARK_BEFORE[code[0]])
    if code[-1] in _MARK_AFTER:
        return unicodedata.normalize("NFC", code[:-1] + _MARK_AFTER[code[-1]])
    return match.group(0)  # an ordinary bracketed word such as "[India]" or "[Slang]"


def clean_entry(raw: str) -> list[str]:
    """Text of one entry → its paragraphs (header with etymology, then one per sense/note)."""
    text = _BREAK_LINE.sub("", raw)
    text = _SOURCE_TAG.sub("", text)
    text = _BACKSLASH_PRONUNCIATION.sub("", text)
    text = _PAREN_PRONUNCIATION.sub("", text)
    text = _ESCAPE.sub(_unescape, text)
    text = _STRESS_MARK.sub("", text)
    text = text.replace("{", "").replace("}", "")
    text = _LOST_GREEK.sub("", text)
    paragraphs = paragraphs_from_text(text, wrapped=True)
    return ["\n".join(line.strip() for line in p.split("\n")) for p in paragraphs]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # a handful of entries carry stray Windows-1252 quotes
        return raw.decode("cp1252", errors="replace")


def read_entries(dict_dz_path: str, index_path: str) -> Iterator[tuple[str, list[str]]]:
    """(entry id, paragraphs) for every entry; the id is the entry's byte offset, zero-padded."""
    with open(index_path, encoding="utf-8") as index_file:
        spans = entry_spans(index_file.read())
    with gzip.open(dict_dz_path) as dict_file:
        data = dict_file.read()
    for offset, length in spans:
        paragraphs = clean_entry(_decode(data[offset:offset + length]))
        if paragraphs:
            yield f"{offset:09d}", paragraphs

"""Text helpers every section shares: lines of a source, lane items, CSV cells, file encodings.

- `line_starts_of(source)` and `position(line_starts, offset)`: 1-based (line, column) of a character
  offset, by bisection on the line starts (a parser computes them once); `line_column(source, offset)`
  and `line_of(source, offset)` for a single lookup.
- `normalize_newlines(text)`: Windows (CRLF) and old Mac (CR) line ends as `\n`, as Python's text mode reads them.
- `lane_items(text)`: a lane's items, one per non-empty line, bullets stripped.
- `escape_formula(value)` / `unescape_formula(value)`: OWASP's rule against CSV formula injection:
  a text cell starting with = + - @, a tab or a carriage return gets a leading apostrophe, so a
  spreadsheet shows it as text instead of running it (numbers are written as numbers, not text).
- `format_rate(value)`: a rate for people, one decimal and a space before the sign ("27.8 %"), two under
  1 % ("0.15 %"), "–" where it is undefined; the map, the review, the dashboard, the charts and the CLI
  all show rates this way. `rate_column_format(values)`: the same decimals as a sortable table column's
  printf format (values in per cent). `format_amount(value)`: money as imported, without a currency ("1,234.50").
- `detect_encoding(head)` / `decode_text(content)`: UTF-8 with or without BOM, UTF-16 LE/BE with a
  BOM or without one (as Excel writes it), told apart by the first bytes; `detect_encoding(sample,
  legacy=True)` also names the Windows code page of a sample that is not UTF-8 (`windows_code_page`:
  Excel's "CSV (comma delimited)" is Windows-1252 on a Western-European or US Windows).
- `sniff_delimiter(sample)`: `,` `;` or tab, by csv.Sniffer over the header and first rows.
- `plural(count, "row")`: "1 row", "2 rows", "1,200 rows" (`plural(n, "entry", "entries")` where
  English adds more than an s); every count in a message is written with it.
- `escape_markdown(text)`: text that a Markdown renderer (st.markdown, st.error, st.table, widget labels
  and `help=`, expander titles, toasts) shows as written: `*|COMPANY|*` keeps its asterisks, `&lt;`
  stays `&lt;`, `<mj-text>` is not read as HTML, `![i](http://…)` is no image and no address a link.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from bisect import bisect_right

__all__ = [
    "DELIMITERS",
    "FORMULA_START",
    "code_page_region",
    "decode_text",
    "detect_encoding",
    "encoding_label",
    "escape_formula",
    "escape_markdown",
    "format_amount",
    "format_rate",
    "rate_column_format",
    "rate_decimals",
    "lane_items",
    "line_column",
    "line_of",
    "line_starts_of",
    "normalize_newlines",
    "plural",
    "position",
    "sniff_delimiter",
    "unescape_formula",
    "windows_code_page",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEWLINE_RE = re.compile("\n")
_BULLETS = " -•*\t"


# --- lines ---------------------------------------------------------------------------------


def line_starts_of(source: str) -> list[int]:
    """The offset where each line of `source` starts (the first is 0)."""
    return [0, *(match.end() for match in _NEWLINE_RE.finditer(source))]


def position(line_starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, given `line_starts_of(source)`."""
    line = bisect_right(line_starts, offset)
    return line, offset - line_starts[line - 1] + 1


def line_column(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset in `source`."""
    return position(line_starts_of(source), offset)


def line_of(source: str, offset: int) -> int:
    """1-based line of a character offset in `source`."""
    return line_column(source, offset)[0]


def normalize_newlines(text: str) -> str:
    """`text` with CRLF and lone CR line ends as LF (what reading a file in text mode gives)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# --- lanes ---------------------------------------------------------------------------------


def lane_items(text: str | None) -> list[str]:
    """A lane's items: one per non-empty line, leading bullets (- • *) and spaces stripped."""
    items = []
    for line in (text or "").splitlines():
        item = line.strip().lstrip("-•*").strip()
        if item and line.strip(_BULLETS):
            items.append(item)
    return items


# --- counts and Markdown --------------------------------------------------------------------

# Inline Markdown (CommonMark, GFM, Streamlit's `:red[…]` and `$math$`) and, at a line's start, blocks.
# `_` inside a word (`unsubscribe_url`) never makes emphasis, so only one at a word's edge is escaped.
_MARKDOWN_INLINE_RE = re.compile(r"([\\`*~\[\]<>&$|]|:(?=[^\W\d_])|(?<![^\W_])_|_(?![^\W_]))")
# GFM makes a link of a bare web or mail address after escapes are read (remark-gfm finds them in the
# text), so no backslash stops it: an invisible word joiner (U+2060) after `http:`, `www` and `@` does.
_AUTOLINK_RE = re.compile(r"(?i)(https?:(?=//)|\bwww(?=\.)|@)")
_WORD_JOINER = "\u2060"
_MARKDOWN_SHORTCODE_RE = re.compile(r"(\\:[^\s:]*[^\s:\\]):")  # the end of `:smile:` (read before parsing)
_MARKDOWN_BLOCK_RE = re.compile(r"^(\s*)(?:([#>+=-])|(\d+)([.)]))", re.MULTILINE)


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and its noun: "1 row", "0 rows", "1,200 rows"; `many` where the plural is not word + s."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def escape_markdown(text: str) -> str:
    """`text` shown as written by a Markdown renderer (st.markdown, st.error, st.caption, st.table).

    A backslash goes before each character Markdown would read (CommonMark shows an escaped ASCII
    punctuation mark as itself): emphasis (`*|COMPANY|*`, `_` at a word's edge), code, links and Streamlit's `:red[…]`,
    HTML tags and entities (`&lt;` stays `&lt;`), `$math$`, a colon that could start an emoji or
    code (`:smile:`), and
    a heading, list or quote mark at a line's start. Other text is left as it is,
    so "Row 3: the name is empty." reads the same in the source. Newlines become line breaks. A web
    or mail address gets an invisible word joiner after `http:`, `www` or `@`, so it is no link.
    Checked in Chromium on Streamlit 1.67 (no `a` or `img` element from any escaped text; Streamlit
    reads `:material/name:` as an icon whatever the escapes).
    """
    escaped = _MARKDOWN_INLINE_RE.sub(r"\\\1", _AUTOLINK_RE.sub(rf"\1{_WORD_JOINER}", str(text)))
    escaped = _MARKDOWN_SHORTCODE_RE.sub(r"\1\\:", escaped)
    escaped = _MARKDOWN_BLOCK_RE.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", escaped
    )
    return escaped.replace("\n", "  \n")


# --- rates ----------------------------------------------------------------------------------


def format_rate(value: float | None) -> str:
    """A rate (a fraction) for people: "27.8 %", "0.15 %" under 1 %, or "–" where it is undefined.

    Rates under 1 % (unsubscribes, complaints, bounces) keep a second decimal, so a complaint rate of
    0.15 % never reads as the 0.1 % threshold it is above.
    """
    if value is None:
        return "–"
    return f"{value * 100:.{rate_decimals(value)}f} %"


def rate_decimals(value: float) -> int:
    """The decimals `format_rate` gives a rate: 2 under 1 % (not 0), else 1 (a sortable table's column uses the most)."""
    return 2 if 0 < abs(value) < 0.01 else 1


def format_amount(value: float | None) -> str:
    """An amount of money as the export gave it (no currency is imported): "1,234.50", or "–" where undefined."""
    return "–" if value is None else f"{value:,.2f}"


def rate_column_format(values) -> str:
    """The printf format a table column of rates, given in per cent, shows them in, as format_rate would:
    "%.1f %%" ("27.8 %"), or "%.2f %%" for the whole column when any of its rates is under 1 %, so none
    loses format_rate's second decimal. Undefined rates (None, NaN) are skipped (the table shows "–")."""
    decimals = max((rate_decimals(v) for v in values if v is not None and v == v), default=1)
    return f"%.{decimals}f %%"


# --- CSV cells -------------------------------------------------------------------------------


def escape_formula(value):
    """A CSV cell a spreadsheet will not run: text starting with = + - @, tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """The text `escape_formula` was given (a cell read back from a CSV this app wrote)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


# --- encodings -------------------------------------------------------------------------------


def detect_encoding(head: bytes, *, legacy: bool = False) -> str:
    """The codec for a text file that starts with `head` (its first 4 bytes are enough).

    With `legacy=True`, `head` is a sample of the file (its first megabyte, say): when the sample is not
    UTF-8, the Windows code page it is written in (`windows_code_page`), or "utf-8" when it is no text
    in any (the decoding then fails, as for any file that is not text).
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 4 and head[0] != 0 and head[1] == 0 and head[3] == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[1] != 0 and head[2] == 0:
        return "utf-16-be"
    if legacy and not head.isascii() and _never_utf8(head):
        return windows_code_page(head) or "utf-8"
    return "utf-8"


def _never_utf8(sample: bytes) -> bool:
    """Whether `sample` (perhaps cut inside a character at its end) is not UTF-8 from its first
    non-ASCII byte on. A UTF-8 file with a bad byte after its first "é" is a damaged UTF-8 file (it
    is refused as such), not one in a code page."""
    try:
        codecs.utf_8_decode(sample, "strict", False)  # False: a character cut at the end is no error
    except UnicodeDecodeError as exc:
        return sample[: exc.start].isascii()
    return False


# Excel's "CSV (comma delimited)" is written in Windows' ANSI code page; the single-byte ones, the most
# common first: a tie (the same letters in both, as é in 1250 and 1252) goes to the first.
CODE_PAGES = {  # the code page → the alphabets it is for
    "cp1252": "Western European",
    "cp1251": "Cyrillic",
    "cp1250": "Central European",
    "cp1253": "Greek",
    "cp1254": "Turkish",
    "cp1257": "Baltic",
}
_NON_ASCII_LINES = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_CODE_PAGE_SAMPLE = 64 * 1024
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_RE = re.compile(r"\w+")


def windows_code_page(sample: bytes) -> str | None:
    """The Windows code page (`CODE_PAGES`) a sample that is not UTF-8 reads best in, or None for bytes
    that are no text (control bytes: a picture, a zip).

    Only the lines with non-ASCII bytes are judged (the pages read ASCII alike). A page reads a non-ASCII
    character well when it is a letter in a word of one alphabet that is not all accents (Cyrillic
    "Добро" read as Windows-1252 is "Äîáðî"; "Café" read as Windows-1251 is "Cafй"), or a sign
    (€, –, «) beside a space or a digit. The page reading the most characters well wins, ties
    to the first of CODE_PAGES. (charset-normalizer, tried first, named Windows-1251 or -1250 for short
    French lines; metric exports are mostly ASCII, so their samples are short.)
    """
    if _CONTROL_BYTES.search(sample[:_CODE_PAGE_SAMPLE]):
        return None
    lines = b"\n".join(_NON_ASCII_LINES.findall(sample))[:_CODE_PAGE_SAMPLE]
    best, best_score = None, -1
    for page in CODE_PAGES:
        try:
            text = lines.decode(page)
        except UnicodeDecodeError:  # a byte the page leaves undefined
            continue
        score = _readable_characters(text)
        if score > best_score:
            best, best_score = page, score
    return best


def _readable_characters(text: str) -> int:
    """How many of the non-ASCII characters of `text` read as a language would write them."""
    score = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        letters = [c for c in word if c.isalpha()]
        scripts = {unicodedata.name(c, "?").split()[0] for c in letters}
        latin_accents_only = (
            scripts == {"LATIN"} and len(letters) > 2 and not any(c.isascii() for c in letters)
        )
        if len(scripts) == 1 and not latin_accents_only:
            score += sum(not c.isascii() for c in word)
    for index, char in enumerate(text):
        if not char.isascii() and unicodedata.category(char)[0] in "PS":
            before = text[index - 1 : index] or " "
            after = text[index + 1 : index + 2] or " "
            score += before.isspace() or after.isspace() or before.isdigit() or after.isdigit()
    return score


def encoding_label(codec: str) -> str:
    """How a codec is named to people: "utf-8", "utf-8 with BOM", "utf-16", "windows-1252"."""
    if codec in CODE_PAGES:
        return f"windows-{codec[2:]}"
    return codec.replace("-sig", " with BOM")


def code_page_region(codec: str) -> str:
    """The alphabet a Windows code page is for ("Western European" for cp1252), or ""."""
    return CODE_PAGES.get(codec, "")


def decode_text(content: bytes | str) -> str:
    """The text of a file's bytes in its detected encoding, without a BOM; UnicodeDecodeError if it is not text."""
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    return content.decode(detect_encoding(content[:4])).lstrip("\ufeff")


# --- CSV delimiters ---------------------------------------------------------------------------

DELIMITERS = ",;\t"


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a sample of the file (its header line and first rows): `,` `;` or tab.

    csv.Sniffer picks the delimiter that occurs the same number of times on every line (so a
    decimal comma in a `;` file does not fool it); `,` when no candidate shows up. Where two are
    equally consistent (a `;` file whose header and rows each hold one comma), the one that occurs
    most per line wins, not Sniffer's fixed preference for `,` (its `preferred` list, emptied here).
    """
    sniffer = csv.Sniffer()
    sniffer.preferred = []
    try:
        return sniffer.sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","

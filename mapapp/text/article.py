"""Read a news article from disk with its publication date, outlet and title.

Where the publication date comes from, first hit wins:

1. a front-matter block at the top of a ``.txt``/``.md`` file::

       ---
       published: 2024-11-17
       source: Forbes
       title: Biden authorizes ...
       ---

2. a sidecar ``<file>.meta.json`` (``article.txt.meta.json``, or ``article.meta.json``) with
   ``{"published", "source", "title"}``;
3. a ``<stem>.gold.json`` beside it with a ``"published"`` field (the annotated seeds);
4. an HTML ``<meta property="article:published_time">`` (``.html`` files);
5. a ``YYYY-MM-DD`` (or ``YYYY.MM.DD``, ``YYYY_MM_DD``) date in the file name
   (``2024-11-17-atacms.txt``) as a last resort.

Front matter is removed from :attr:`Article.text`; character offsets of extracted events refer to
the returned text. HTML is reduced to its visible text (scripts and styles dropped).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from mapapp.errors import InputError
from mapapp.text.dates import coerce_date, date_in_name

__all__ = ["ARTICLE_SUFFIXES", "Article", "read_article"]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
#: Data files that are never an article (read as one, they would be geoparsed as prose).
DATA_SUFFIXES = (".csv", ".tsv", ".geojson", ".json", ".jsonl", ".kml", ".kmz", ".parquet", ".xlsx", ".pdf", ".png")

_FRONT_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class Article:
    """An article's text and metadata. ``published`` is None when no source gives it."""

    text: str
    published: dt.date | None
    source: str
    title: str
    path: str
    published_from: str = ""


class _TextOnly(HTMLParser):
    """Collects the text a browser would show, the ``<title>`` and the ``<meta>`` fields."""

    _SKIP = frozenset({"script", "style", "head", "noscript", "template", "svg", "iframe", "object"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "hr",
            "figcaption",
            "dd",
            "dt",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            a = {k: v or "" for k, v in attrs}
            key = a.get("property") or a.get("name") or a.get("itemprop") or ""
            if key and "content" in a:
                self.meta[key.lower()] = a["content"]
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self.handle_starttag(tag, attrs)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        """The visible text: one line per block, runs of spaces collapsed, no blank-line runs."""
        raw = "".join(self.parts).replace("\xa0", " ")
        out: list[str] = []
        for line in raw.split("\n"):
            line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
            if line or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip()


def _parse_html(html: str) -> _TextOnly:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()  # flush text held back at the end; charrefs are already decoded once
    return parser


def html_to_text(html: str) -> str:
    """The visible text of an HTML document: tags removed, entities decoded, script/style/head dropped.

    Block elements become line breaks; runs of spaces collapse. Uses the stdlib
    :class:`html.parser.HTMLParser`, which tolerates broken markup. The CLI and the app both use it,
    so the same ``.html`` file gives the same text everywhere.
    """
    return _parse_html(html).text()


def _date_or_error(value: object, where: str) -> dt.date:
    try:
        d = coerce_date(value if isinstance(value, dt.date) else str(value))
    except ValueError:
        d = None
    if d is None:
        msg = f"{where}: published={value!r} is not a date; expected YYYY-MM-DD, e.g. 2024-11-17."
        raise InputError(msg)
    return d


def _front_matter(text: str, where: str) -> tuple[dict[str, str], str]:
    """YAML front matter (PyYAML, safe loader) as lower-case keys -> text values, and the body."""
    import yaml

    m = _FRONT_RE.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group("body"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" (line {mark.line + 2})" if mark is not None else ""
        msg = f"{where}: the front matter between '---' lines is not valid YAML{line}; fix it or remove it."
        raise InputError(msg) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        msg = f"{where}: the front matter is not 'key: value' lines; fix it or remove it."
        raise InputError(msg)
    fields = {str(k).strip().lower(): "" if v is None else str(v).strip() for k, v in data.items()}
    return fields, text[m.end() :]


def _read_json(path: Path) -> dict[str, object]:
    from mapapp.jsonfiles import read_json

    data = read_json(path, "Sidecar")
    if not isinstance(data, dict):
        msg = f"{str(path)!r} holds {type(data).__name__}; expected a JSON object."
        raise InputError(msg)
    return data


def read_article(path: str | Path) -> Article:
    """Read an article file (``.txt``, ``.md``, ``.html``) and find its publication date.

    Raises
    ------
    InputError
        If the file cannot be read, or a date field holds something that is not a date.
    """
    p = Path(path)
    if p.suffix.lower() in DATA_SUFFIXES:
        msg = (
            f"{str(p)!r} is a {p.suffix.lower()} data file, not an article; give a .txt, .md or .html article "
            "(event files are read by `mapapp events FILE`)."
        )
        raise InputError(msg)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        msg = f"Article {str(p)!r} does not exist; check the path."
        raise InputError(msg) from err
    except (OSError, UnicodeDecodeError) as err:
        msg = f"Article {str(p)!r} cannot be read as UTF-8 text ({err})."
        raise InputError(msg) from err

    published: dt.date | None = None
    source = title = origin = ""
    text = raw
    if p.suffix.lower() in (".html", ".htm"):
        parser = _parse_html(raw)
        text = parser.text()
        title = parser.title.strip()
        for key in ("article:published_time", "datepublished", "date", "pubdate"):
            if parser.meta.get(key):
                published = _date_or_error(parser.meta[key][:10], str(p))
                origin = f"html meta {key}"
                break
        source = parser.meta.get("og:site_name", "")
    else:
        fields, text = _front_matter(raw, str(p))
        if fields.get("published") or fields.get("date"):
            published = _date_or_error(fields.get("published") or fields["date"], f"{p} front matter")
            origin = "front matter"
        source = fields.get("source", "")
        title = fields.get("title", "")

    for side in (p.with_name(p.name + ".meta.json"), p.with_suffix(".meta.json")):
        if side.is_file():
            meta = _read_json(side)
            if published is None and meta.get("published"):
                published = _date_or_error(meta["published"], str(side))
                origin = side.name
            source = source or str(meta.get("source") or "")
            title = title or str(meta.get("title") or "")
            break
    gold = p.with_suffix(".gold.json")
    if published is None and gold.is_file():
        meta = _read_json(gold)
        if meta.get("published"):
            published = _date_or_error(meta["published"], str(gold))
            origin = gold.name
    if published is None:
        published = date_in_name(p.name)
        origin = "file name" if published is not None else origin
    return Article(text=text, published=published, source=source, title=title, path=str(p), published_from=origin)

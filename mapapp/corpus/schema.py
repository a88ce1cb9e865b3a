"""The one event schema: an :class:`~mapapp.model.Event` to and from every form mapapp writes.

=====================  ==========================================  =================================
form                   out                                         in
=====================  ==========================================  =================================
JSON dict              :func:`event_to_dict`                       :func:`event_from_dict`
event-store row        :func:`event_row`                           :func:`row_event`
ACLED CSV record       :func:`csv_record`                          :func:`record_event`
GeoJSON feature        :func:`geojson_feature` (files),            (files: via :func:`record_event`)
                       :func:`map_feature_properties` (map export)
KML placemark          :func:`kml_placemark`                       --
=====================  ==========================================  =================================

Nested values are JSON inside one cell/column: ``places`` (:meth:`Place.to_dict` objects),
``figures`` (``{"label", "value", "qualifier", "low", "high", "text", "reports"}``; the old
``[label, value, qualifier]`` lists are still read), ``sentences`` (``[start, end, text,
source]``). Lists of names (actors, outlets, weapon keys) are joined with ``"; "``.

ACLED columns follow ACLED's export (``event_id_cnty``, ``event_date``, ``geo_precision``,
``fatalities``, ...); what ACLED has no column for is in ``mapapp_*`` columns. Spreadsheet
safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and
is not a number) is written with a leading ``'`` so a spreadsheet shows it as text instead of
running it as a formula; :func:`record_event` removes that ``'`` again, so files round-trip.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence

from mapapp import jsonfiles
from mapapp.errors import MapAppError
from mapapp.model import (
    EVENT_STATUSES,
    GEO_PRECISIONS,
    DateValue,
    Event,
    Figure,
    Place,
    PlaceKind,
    Sentence,
)
from mapapp.text.dates import coerce_date

__all__ = [
    "ACLED_COLUMNS",
    "MAPAPP_COLUMNS",
    "MAPPED_COLUMNS",
    "csv_record",
    "event_from_dict",
    "event_row",
    "event_to_dict",
    "figures_from_json",
    "figures_to_json",
    "geojson_feature",
    "kml_placemark",
    "map_feature_properties",
    "places_from_json",
    "record_event",
    "row_event",
    "sentences_from_json",
    "sentences_to_json",
    "spreadsheet_safe",
    "spreadsheet_unescape",
]

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "notes", "source",
)  # fmt: skip
MAPAPP_COLUMNS: tuple[str, ...] = (
    "mapapp_date_end", "mapapp_date_precision", "mapapp_date_status", "mapapp_date_text",
    "mapapp_date_note", "mapapp_planned", "mapapp_status", "mapapp_confidence", "mapapp_outlets",
    "mapapp_figures", "mapapp_weapons", "mapapp_sentence", "mapapp_sentences", "mapapp_places",
)  # fmt: skip
#: Columns that map onto Event fields (every other column is kept in ``Event.extra``).
MAPPED_COLUMNS = frozenset({
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
    "latitude", "longitude", "geo_precision", "fatalities", "notes", "source", *MAPAPP_COLUMNS,
})  # fmt: skip
_PRECISION_CODE = {"day": "1", "range": "2", "month": "3", "year": "3"}
_PRECISIONS = ("day", "month", "year", "range")
_STATUSES = ("reported", "inferred", "uncertain")
_PLACE_KINDS: tuple[str, ...] = ("country", "admin1", "admin2", "city", "landmark", "region", "continent")
_FATALITY_LABELS = ("fatalities", "killed")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------------------------
# Nested values


def _date_dict(d: DateValue | None) -> dict[str, str] | None:
    if d is None:
        return None
    return {
        "start": d.start,
        "end": d.end,
        "precision": d.precision,
        "status": d.status,
        "text": d.text,
        "note": d.note,
    }


def _date_from(d: Mapping[str, object] | None) -> DateValue | None:
    if not d:
        return None
    start = coerce_date(d.get("start"), "date start")
    end = coerce_date(d.get("end") or d.get("start"), "date end")
    precision, status = str(d.get("precision") or "day"), str(d.get("status") or "reported")
    if start is None or end is None or end < start or precision not in _PRECISIONS or status not in _STATUSES:
        msg = (
            f"date {dict(d)!r} is inconsistent; expected start <= end (YYYY-MM-DD), precision in {_PRECISIONS}, "
            f"status in {_STATUSES}"
        )
        raise ValueError(msg)
    return DateValue(
        start.isoformat(),
        end.isoformat(),
        precision,  # type: ignore[arg-type]
        status,  # type: ignore[arg-type]
        str(d.get("text") or ""),
        str(d.get("note") or ""),
    )


def figures_to_json(figures: Sequence[Figure]) -> str:
    """``figures`` as a JSON list of objects (see the module docstring)."""
    return json.dumps([_figure_dict(f) for f in figures], ensure_ascii=False)


def _figure_dict(f: Figure) -> dict[str, object]:
    return {
        "label": f.label,
        "value": f.value,
        "qualifier": f.qualifier,
        "low": f.low,
        "high": f.high,
        "text": f.text,
        "reports": list(f.reports),
    }


def _whole(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _figure_from(x: object, where: str) -> Figure:
    if isinstance(x, list) and len(x) in (2, 3) and isinstance(x[0], str) and _whole(x[1]):
        return Figure(x[0], int(x[1]), str(x[2]) if len(x) > 2 else "")
    if isinstance(x, dict) and isinstance(x.get("label"), str) and _whole(x.get("value")):
        low, high = x.get("low"), x.get("high")
        reports = x.get("reports") or []
        if (
            (low is not None and not _whole(low))
            or (high is not None and not _whole(high))
            or not isinstance(reports, list)
        ):
            msg = f"{where}: figure {x!r} has a non-whole low/high or reports that are not a list"
            raise ValueError(msg)
        return Figure(
            x["label"],
            int(x["value"]),
            str(x.get("qualifier") or ""),
            low=None if low is None else int(low),
            high=None if high is None else int(high),
            text=str(x.get("text") or ""),
            reports=tuple(str(r) for r in reports),
        )
    msg = f"{where}: {x!r} is not a figure; expected [label, whole number, qualifier] or {{label, value, ...}}"
    raise ValueError(msg)


def figures_from_json(text: str, where: str = "mapapp_figures") -> tuple[Figure, ...]:
    """Figures from :func:`figures_to_json` text (or the old ``[[label, n, qualifier], ...]``).

    Raises
    ------
    ValueError
        With ``where`` and the bad value, when the text is not such a list.
    """
    try:
        data = jsonfiles.loads(text, where)
    except ValueError as err:
        msg = f"{where} {text[:60]!r} is not JSON ({err}); expected [[label, number, qualifier], ...]"
        raise ValueError(msg) from err
    if not isinstance(data, list):
        msg = f"{where} {text[:60]!r} is not a list of [label, whole number, qualifier]"
        raise ValueError(msg)
    return tuple(_figure_from(x, where) for x in data)


def sentences_to_json(sentences: Sequence[Sentence]) -> str:
    """``[[start, end, text, source], ...]`` JSON text."""
    return json.dumps([[s.start, s.end, s.text, s.source] for s in sentences], ensure_ascii=False)


def sentences_from_json(text: str, where: str = "sentences") -> tuple[Sentence, ...]:
    """Sentences from :func:`sentences_to_json` text (raises ValueError naming ``where``)."""
    try:
        data = jsonfiles.loads(text, where)
    except ValueError as err:
        msg = f"{where} {text[:60]!r} is not JSON ({err}); expected [[start, end, text, source], ...]"
        raise ValueError(msg) from err
    ok = isinstance(data, list) and all(
        isinstance(x, list) and len(x) == 4 and _whole(x[0]) and _whole(x[1]) and isinstance(x[2], str) for x in data
    )
    if not ok:
        msg = f"{where} {text[:60]!r} is not a list of [start, end, text, source]"
        raise ValueError(msg)
    assert isinstance(data, list)  # checked above
    return tuple(Sentence(int(x[0]), int(x[1]), x[2], str(x[3] or "")) for x in data)


def _coord(d: Mapping[str, object], key: str, lim: float, where: str) -> float:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or abs(v) > lim:
        msg = f"{where}: {key} {v!r} of place {d.get('name')!r} is not a number in -{lim:g}..{lim:g}"
        raise ValueError(msg)
    return float(v)


def _place_from(d: Mapping[str, object], where: str) -> Place:
    missing = [k for k in ("id", "name", "kind", "lon", "lat") if k not in d]
    unknown = sorted(set(d) - set(Place.__dataclass_fields__))
    if missing or unknown:
        what = "; ".join(
            x for x in (f"lacks {missing}" if missing else "", f"has unknown keys {unknown}" if unknown else "") if x
        )
        msg = f"{where}: place {dict(d)!r} {what}; expected the keys of mapapp.model.Place"
        raise ValueError(msg)
    if d["kind"] not in _PLACE_KINDS:
        msg = f"{where}: kind {d['kind']!r} is not one of {_PLACE_KINDS}"
        raise ValueError(msg)
    kind: PlaceKind = d["kind"]  # type: ignore[assignment]
    gid = d.get("geonameid")
    return Place(
        id=str(d["id"]),
        name=str(d["name"]),
        kind=kind,
        lon=_coord(d, "lon", 180.0, where),
        lat=_coord(d, "lat", 90.0, where),
        country_code=str(d.get("country_code") or ""),
        admin1_code=str(d.get("admin1_code") or ""),
        geonameid=None if gid is None else int(gid),  # type: ignore[call-overload]
        population=int(d.get("population") or 0),  # type: ignore[call-overload]
        feature_code=str(d.get("feature_code") or ""),
    )


def places_from_json(text: str, where: str = "mapapp_places") -> tuple[Place, ...]:
    """Places from a JSON list of :meth:`Place.to_dict` objects (raises ValueError naming ``where``)."""
    try:
        data = jsonfiles.loads(text, where)
    except ValueError as err:
        msg = f"{where} {text[:60]!r} is not JSON ({err}); expected a list of place objects"
        raise ValueError(msg) from err
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        msg = f"{where} {text[:60]!r} is not a list of place objects (id, name, kind, lon, lat)"
        raise ValueError(msg)
    return tuple(_place_from(d, where) for d in data)


def _names(values: Sequence[str]) -> str:
    return "; ".join(values)


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(x for x in text.split("; ") if x)


# --------------------------------------------------------------------------------------------
# JSON dicts


def event_to_dict(e: Event) -> dict[str, object]:
    """JSON-ready dict of an event: every field, places as :meth:`Place.to_dict`, figures as
    objects, sentences as ``{"text", "start", "end", "source"}``."""
    return {
        "id": e.id,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "status": e.status,
        "planned": e.planned,
        "date": _date_dict(e.date),
        "places": [p.to_dict() for p in e.places],
        "geo_precision": e.geo_precision,
        "actors": list(e.actors),
        "figures": [_figure_dict(f) for f in e.figures],
        "weapons": list(e.weapons),
        "confidence": e.confidence,
        "outlets": list(e.outlets),
        "sentence": e.sentence,
        "sentence_start": e.sentence_start,
        "sentence_end": e.sentence_end,
        "sentences": [{"text": s.text, "start": s.start, "end": s.end, "source": s.source} for s in e.sentences],
        "source": e.source,
        "sources": list(e.sources),
        "notes": e.notes,
        "extra": dict(e.extra),
    }


def event_from_dict(d: Mapping[str, object]) -> Event:
    """The :class:`Event` of an :func:`event_to_dict` dict.

    Raises
    ------
    ValueError
        When a field has the wrong shape (the message names it).
    """
    try:
        sents = tuple(
            Sentence(int(s["start"]), int(s["end"]), str(s["text"]), str(s.get("source") or ""))
            for s in d.get("sentences") or []  # type: ignore[attr-defined]
        )
        places = tuple(_place_from(p, "places") for p in d.get("places") or [])  # type: ignore[attr-defined]
        figures = tuple(_figure_from(f, "figures") for f in d.get("figures") or [])  # type: ignore[attr-defined]
        return Event(
            id=str(d.get("id") or ""),
            event_type=str(d.get("event_type") or ""),
            sub_event_type=str(d.get("sub_event_type") or ""),
            date=_date_from(d.get("date")),  # type: ignore[arg-type]
            places=places,
            actors=tuple(str(a) for a in d.get("actors") or []),  # type: ignore[attr-defined]
            sentence=str(d.get("sentence") or ""),
            sentence_start=int(d.get("sentence_start") or 0),  # type: ignore[call-overload]
            sentence_end=int(d.get("sentence_end") or 0),  # type: ignore[call-overload]
            source=str(d.get("source") or ""),
            outlets=tuple(str(o) for o in d.get("outlets") or []),  # type: ignore[attr-defined]
            figures=figures,
            status=str(d.get("status") or ("planned" if d.get("planned") else "occurred")),  # type: ignore[arg-type]
            confidence=float(d.get("confidence") or 0.0),  # type: ignore[arg-type]
            notes=str(d.get("notes") or ""),
            extra={str(k): str(v) for k, v in (d.get("extra") or {}).items()},  # type: ignore[attr-defined]
            sources=tuple(str(s) for s in d.get("sources") or []),  # type: ignore[attr-defined]
            sentences=sents,
            geo_precision=int(d.get("geo_precision") or 0),  # type: ignore[call-overload]
            weapons=tuple(str(w) for w in d.get("weapons") or []),  # type: ignore[attr-defined]
        )
    except (KeyError, TypeError, AttributeError) as err:
        msg = f"event {str(d)[:80]!r} is malformed ({type(err).__name__}: {err})"
        raise ValueError(msg) from err


# --------------------------------------------------------------------------------------------
# Event-store rows


def _fatalities(e: Event) -> int | None:
    return next((f.value for f in e.figures if f.label in _FATALITY_LABELS), None)


def event_row(e: Event, article_id: str, index: int, published: dt.date | None) -> dict[str, object]:
    """The store row of an extracted event (first place gives the point; all places in ``places``)."""
    p = e.places[0] if e.places else None
    d = e.date
    return {
        "event_id": f"{article_id[:16]}-{index:03d}",
        "article_id": article_id,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "date_start": coerce_date(d.start) if d else None,
        "date_end": coerce_date(d.end) if d else None,
        "date_precision": d.precision if d else None,
        "date_status": d.status if d else None,
        "date_text": d.text if d else None,
        "date_note": d.note if d else None,
        "published": published,
        "actors": _names(e.actors),
        "place_id": p.id if p else None,
        "place_name": p.name if p else None,
        "place_kind": p.kind if p else None,
        "country_code": p.country_code if p else None,
        "lon": float(p.lon) if p else None,
        "lat": float(p.lat) if p else None,
        "geo_precision": e.geo_precision,
        "fatalities": _fatalities(e),
        "figures": figures_to_json(e.figures),
        "planned": e.planned,
        "status": e.status,
        "confidence": float(e.confidence),
        "outlets": _names(e.outlets),
        "weapons": _names(e.weapons),
        "sentence": e.sentence,
        "sentence_start": e.sentence_start,
        "sentence_end": e.sentence_end,
        "sentences": sentences_to_json(e.sentences),
        "source": e.source,
        "notes": e.notes,
        "places": json.dumps([q.to_dict() for q in e.places]),
    }


def _missing(v: object) -> bool:
    """None, NaN, NaT or pd.NA (what pandas puts in an empty cell)."""
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NaTType", "NAType")


def row_event(r: Mapping[str, object]) -> Event:
    """Rebuild an :class:`Event` from a store row (as read back into pandas). Rows written before
    a column existed (no ``status``, ``sentences``, ...) load with that field's default."""

    def s(k: str) -> str:
        v = r.get(k)
        return "" if _missing(v) else str(v)

    def num(k: str) -> float:
        v = r.get(k)
        return 0.0 if _missing(v) else float(v)  # type: ignore[arg-type]

    def day(k: str) -> str:
        v = r.get(k)
        got = None if _missing(v) else coerce_date(v, k)
        return got.isoformat() if got else ""

    date = None
    if day("date_start"):
        date = DateValue(
            start=day("date_start"),
            end=day("date_end") or day("date_start"),
            precision=s("date_precision") or "day",  # type: ignore[arg-type]
            status=s("date_status") or "reported",  # type: ignore[arg-type]
            text=s("date_text"),
            note=s("date_note"),
        )
    status = s("status") if s("status") in EVENT_STATUSES else ("planned" if num("planned") else "occurred")
    precision = int(num("geo_precision"))
    return Event(
        id=s("event_id"),
        event_type=s("event_type"),
        sub_event_type=s("sub_event_type"),
        date=date,
        places=tuple(Place(**d) for d in json.loads(s("places") or "[]")),
        actors=_split_names(s("actors")),
        sentence=s("sentence"),
        sentence_start=int(num("sentence_start")),
        sentence_end=int(num("sentence_end")),
        source=s("source"),
        outlets=_split_names(s("outlets")),
        figures=figures_from_json(s("figures") or "[]", "figures"),
        status=status,  # type: ignore[arg-type]
        confidence=num("confidence"),
        notes=s("notes"),
        sources=(s("source"),) if s("source") else (),
        sentences=sentences_from_json(s("sentences"), "sentences") if s("sentences") else (),
        geo_precision=precision if precision in GEO_PRECISIONS else 0,
        weapons=_split_names(s("weapons")),
    )


# --------------------------------------------------------------------------------------------
# ACLED CSV records


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would run it as a formula (see the module
    docstring); numbers ("-77.03") are left alone."""
    if cell.startswith(_RISKY_START) and not _NUMBER_RE.match(cell):
        return "'" + cell
    return cell


def spreadsheet_unescape(cell: str) -> str:
    """Undo :func:`spreadsheet_safe`."""
    if len(cell) > 1 and cell[0] == "'" and cell[1:].startswith(_RISKY_START):
        return cell[1:]
    return cell


def _country_name(p: Place | None) -> str:
    """The country of a resolved place, by name (ACLED's ``country`` column)."""
    if p is None or not p.country_code:
        return ""
    if p.kind == "country":
        return p.name
    from mapapp.data.gazetteer import get_gazetteer

    try:
        return get_gazetteer().country(p.country_code).name
    except MapAppError:
        return p.country_code


def _admin1_name(p: Place | None) -> str:
    """The admin-1 region of a resolved place, by name (ACLED's ``admin1`` column)."""
    if p is None or p.kind in ("country", "continent", "region") or not p.admin1_code:
        return ""
    if p.kind == "admin1":
        return p.name
    from mapapp.data.gazetteer import get_gazetteer

    try:
        region = get_gazetteer().admin1_of(p)
    except MapAppError:
        return ""
    return region.name if region is not None else ""


def csv_record(e: Event, columns: Sequence[str]) -> dict[str, str]:
    """The ACLED-style CSV record of ``e`` in ``columns`` (all strings, spreadsheet-safe)."""
    p = e.places[0] if e.places else None
    d = e.date
    fat = _fatalities(e)
    imported = not e.extra.get("trigger")  # extracted events always record their trigger
    row: dict[str, str] = {
        "event_id_cnty": e.id,
        "event_date": d.start if d else "",
        "year": d.start[:4] if d else "",
        "time_precision": _PRECISION_CODE[d.precision] if d else "",
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "actor1": e.actors[0] if e.actors else "",
        "actor2": e.actors[1] if len(e.actors) > 1 else "",
        "country": _country_name(p),
        "admin1": _admin1_name(p),
        "location": p.name if p is not None else "",
        "latitude": repr(p.lat) if p is not None else "",
        "longitude": repr(p.lon) if p is not None else "",
        "geo_precision": str(e.geo_precision) if e.geo_precision else "",
        "fatalities": "" if fat is None else str(fat),
        "notes": e.notes if imported else e.sentence,
        "source": e.source
        if imported
        else "; ".join(dict.fromkeys(x for x in (*e.outlets, *(e.sources or (e.source,))) if x)),
        "mapapp_date_end": d.end if d else "",
        "mapapp_date_precision": d.precision if d else "",
        "mapapp_date_status": d.status if d else "",
        "mapapp_date_text": d.text if d else "",
        "mapapp_date_note": d.note if d else "",
        "mapapp_planned": str(e.planned).lower(),
        "mapapp_status": e.status,
        "mapapp_confidence": repr(e.confidence),
        "mapapp_outlets": _names(e.outlets),
        "mapapp_figures": figures_to_json(e.figures),
        "mapapp_weapons": _names(e.weapons),
        "mapapp_sentence": e.sentence,
        "mapapp_sentences": sentences_to_json(e.sentences) if not imported else "",
        "mapapp_places": json.dumps([q.to_dict() for q in e.places]) if not imported else "",
    }
    if imported:
        row.update({k: v for k, v in e.extra.items() if k not in MAPPED_COLUMNS})
    return {c: spreadsheet_safe(row.get(c, "")) for c in columns}


def _record_date(g: Mapping[str, str], iso: str) -> DateValue:
    end = g.get("mapapp_date_end") or iso
    precision = g.get("mapapp_date_precision") or "day"
    status = g.get("mapapp_date_status") or "reported"
    if precision not in _PRECISIONS or status not in _STATUSES or end < iso:
        msg = (
            f"mapapp_date_* columns ({end!r}, {precision!r}, {status!r}) are inconsistent; expected "
            f"an end date >= event_date, precision in {_PRECISIONS}, status in {_STATUSES}"
        )
        raise ValueError(msg)
    if end != iso:
        coerce_date(end, "mapapp_date_end")
    return DateValue(
        iso,
        end,
        precision,  # type: ignore[arg-type]
        status,  # type: ignore[arg-type]
        g.get("mapapp_date_text") or "",
        g.get("mapapp_date_note") or "",
    )


def _record_status(g: Mapping[str, str]) -> str:
    st = g.get("mapapp_status") or ""
    if st and st not in EVENT_STATUSES:
        msg = f"mapapp_status {st!r} is not one of {EVENT_STATUSES}"
        raise ValueError(msg)
    return st or ("planned" if (g.get("mapapp_planned") or "").lower() == "true" else "occurred")


def _record_precision(g: Mapping[str, str]) -> int:
    raw = (g.get("geo_precision") or "").strip()
    if not raw:
        return 0
    if raw not in ("1", "2", "3"):
        msg = f"geo_precision {raw!r} is not 1 (settlement), 2 (region) or 3 (country)"
        raise ValueError(msg)
    return int(raw)


def record_event(
    rec: Mapping[str, str],
    iso: str,
    lat: float,
    lon: float,
    fatalities: int | None,
    extra_cols: Sequence[str],
    default_id: str,
) -> Event:
    """The :class:`Event` of an ACLED-style record whose date, coordinates and fatalities were
    already validated (``iso``, ``lat``, ``lon``, ``fatalities``).

    Raises
    ------
    ValueError
        When a ``mapapp_*`` or ``geo_precision`` cell is malformed (the message names it).
    """
    g = {k: spreadsheet_unescape(v) if v[:1] == "'" else v for k, v in rec.items()}
    date = _record_date(g, iso)
    places: tuple[Place, ...]
    if g.get("mapapp_places"):
        places = places_from_json(g["mapapp_places"])
    else:
        name = g.get("location") or ""
        places = (Place(id=f"pt:{lon!r},{lat!r}", name=name, kind="city", lon=lon, lat=lat),)
    a1, a2 = (g.get("actor1") or "").strip(), (g.get("actor2") or "").strip()
    actors = (a1, a2) if a2 else ((a1,) if a1 else ())
    figures: tuple[Figure, ...] = ()
    if g.get("mapapp_figures"):
        figures = figures_from_json(g["mapapp_figures"])
    elif fatalities is not None:
        figures = (Figure("fatalities", fatalities),)
    source = g.get("source") or ""
    sentence = g.get("mapapp_sentence") or ""
    sentences = sentences_from_json(g["mapapp_sentences"], "mapapp_sentences") if g.get("mapapp_sentences") else ()
    try:
        confidence = float(g.get("mapapp_confidence") or 1.0)
    except ValueError as err:
        msg = f"mapapp_confidence {g.get('mapapp_confidence')!r} is not a number in 0..1"
        raise ValueError(msg) from err
    if not 0.0 <= confidence <= 1.0:
        msg = f"mapapp_confidence {confidence!r} is not a number in 0..1"
        raise ValueError(msg)
    return Event(
        id=g.get("event_id_cnty") or default_id,
        event_type=g.get("event_type") or "",
        sub_event_type=g.get("sub_event_type") or "",
        date=date,
        places=places,
        actors=actors,
        sentence=sentence,
        sentence_start=sentences[0].start if sentences else 0,
        sentence_end=sentences[0].end if sentences else len(sentence),
        source=source,
        outlets=_split_names(g.get("mapapp_outlets") or ""),
        figures=figures,
        status=_record_status(g),  # type: ignore[arg-type]
        confidence=confidence,
        notes=g.get("notes") or "",
        extra={c: g[c] for c in extra_cols},
        sources=(source,) if source else (),
        sentences=sentences,
        geo_precision=_record_precision(g),
        weapons=_split_names(g.get("mapapp_weapons") or ""),
    )


# --------------------------------------------------------------------------------------------
# GeoJSON and KML


def geojson_feature(e: Event, columns: Sequence[str]) -> dict[str, object] | None:
    """An event file's Point feature ([lon, lat] of the first place) with the CSV record of
    ``columns`` (without latitude/longitude) as properties; None when the event has no place."""
    if not e.places:
        return None
    p = e.places[0]
    props = csv_record(e, [c for c in columns if c not in ("latitude", "longitude")])
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}, "properties": props}


def map_feature_properties(e: Event, p: Place) -> dict[str, object]:
    """Properties of an event's feature in a map export (one feature per place ``p``)."""
    return {
        "kind": "event",
        "event_id": e.id,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "status": e.status,
        "date_start": e.date.start if e.date else None,
        "date_end": e.date.end if e.date else None,
        "date_status": e.date.status if e.date else None,
        "place": p.name,
        "geo_precision": e.geo_precision,
        "actors": list(e.actors),
        "figures": [f.describe() for f in e.figures],
        "weapons": list(e.weapons),
        "sentence": e.sentence,
        "sentences": [s.text for s in e.sentences],
        "outlets": list(e.outlets),
        "source": e.source,
        "planned": e.planned,
        "confidence": e.confidence,
    }


def kml_placemark(e: Event) -> tuple[str, str, tuple[str, str] | None]:
    """(name, description, (begin, end) or None) of an event's KML placemarks, as plain text
    (the caller escapes it): the description lists every sentence that reports the event."""
    when = e.date.start if e.date else ""
    status = "" if e.status == "occurred" else f" ({e.status})"
    name = f"{e.event_type} {when}".strip() + status
    parts = [s.text for s in e.sentences] or [e.sentence]
    figs = "; ".join(f.describe() for f in e.figures)
    desc = " | ".join(parts) + (f" — {figs}" if figs else "")
    return name, desc, ((e.date.start, e.date.end) if e.date else None)

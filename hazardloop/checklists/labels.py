"""Rule references in words: a checklist item names the major-hazard criteria it feeds as
"<family>[-<edition>]:<element>" (gb35181-2017:7.3.10, city_gas-2023:9.1); a page shows the
standard's name and the element instead of the code."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The standards' short names (the rule-set files carry their full titles).
STANDARDS = {
    "gb35181": "GB 35181",
    "city_gas": gettext_lazy("Town gas major-hazard criteria"),
    "gongmao": gettext_lazy("Industry and trade major-hazard criteria"),
    "construction": gettext_lazy("Building and municipal works major-hazard criteria"),
    "hazchem": gettext_lazy("Hazardous chemicals major-hazard criteria"),
    "mining_metal": gettext_lazy("Metal and non-metal mines major-hazard criteria"),
}


def rule_ref_label(ref: str) -> str:
    """ "city_gas-2023:9.1" → "Town gas major-hazard criteria (2023) 9.1"; "gb35181-2017:7.3.10"
    → "GB 35181-2017 7.3.10". An unknown family keeps its code's element only."""
    family_edition, _sep, element = str(ref).partition(":")
    family, _dash, edition = family_edition.partition("-")
    name = STANDARDS.get(family)
    if name is None:
        return _("criterion %(element)s") % {"element": element or family_edition}
    if family == "gb35181":
        standard = f"{name}-{edition}" if edition else str(name)
    else:
        standard = f"{name} ({edition})" if edition else str(name)
    return f"{standard} {element}".strip()

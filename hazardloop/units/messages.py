"""Translated messages for USCC and phone errors (lib/ raises codes; the user reads these)."""

from django.utils.translation import gettext as _

from hazardloop.lib.phones import PhoneError
from hazardloop.lib.uscc import USCCError


def uscc_message(error: USCCError) -> str:
    p = error.params
    if error.code == "length":
        return _("A unified social credit code has 18 characters; this one has %(length)d.") % p
    if error.code == "character":
        return _("The code contains “%(char)s”, which a unified social credit code never uses.") % p
    if error.code == "authority":
        return (
            _(
                "The code starts with “%(prefix)s”, which is no registration authority and type "
                "(e.g. 91 for a company, 92 for an individual business)."
            )
            % p
        )
    if error.code == "division":
        return _("Characters 3 to 8 of the code must be the 6-digit administrative division code.")
    if error.code == "check":
        return (
            _(
                "The check character (the last one) should be %(expected)s, not %(actual)s: "
                "a character was probably mistyped."
            )
            % p
        )
    return _("This is not a valid unified social credit code.")


def phone_message(error: PhoneError) -> str:
    p = error.params
    if error.code == "characters":
        return _("The phone number contains “%(char)s”.") % p
    if error.code == "mobile":
        if "length" in p:
            return _("A mobile number has 11 digits; this one has %(length)d.") % p
        return _("No mobile number starts with %(prefix)s.") % p
    if error.code == "landline":
        if "digits" in p and len(p["digits"]) in (7, 8):
            return _("Add the area code to the fixed-line number, e.g. 0431-%(digits)s.") % p
        return _("A fixed-line number is an area code and 7 or 8 digits.")
    if error.code == "empty":
        return _("The phone number is empty.")
    return _("This is neither a mobile nor a fixed-line number.")

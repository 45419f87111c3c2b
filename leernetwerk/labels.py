"""Dutch (translatable) names for the enum values the domain stores."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "light": {"op_koers": _l("Op koers"), "risico": _l("Risico"), "vertraagd": _l("Vertraagd")},
    "status": {"niet_gestart": _l("Niet gestart"), "bezig": _l("Bezig"), "afgerond": _l("Afgerond"),
               "gestopt": _l("Gestopt")},
    "action_line": {"voor_zwangerschap": _l("Voor de zwangerschap"),
                    "tijdens_zwangerschap": _l("Tijdens de zwangerschap"), "na_geboorte": _l("Na de geboorte")},
    "role": {"kartrekker": _l("kartrekker"), "lid": _l("lid"), "verbindingspersoon": _l("verbindingspersoon")},
    "phase": {"gepland": _l("gepland"), "lopend": _l("lopend"), "afrondend": _l("afrondend"),
              "afgesloten": _l("afgesloten")},
    "decision": {"doorgaan": _l("Doorgaan"), "stoppen": _l("Stoppen")},
    "kind": {"zorgpad": _l("Zorgpad"), "sociale_kaart": _l("Sociale kaart"), "handreiking": _l("Handreiking"),
             "factsheet": _l("Factsheet"), "werkwijze": _l("Werkwijze"), "scholing": _l("Scholing"),
             "overig": _l("Overig")},
    "audience": {"verloskundigen": _l("Verloskundigen"), "kraamzorg": _l("Kraamzorg"), "jgz": _l("JGZ"),
                 "gemeenten": _l("Gemeenten"), "huisartsen": _l("Huisartsen"), "sociaal_domein": _l("Sociaal domein"),
                 "ziekenhuizen": _l("Ziekenhuizen"), "ouders": _l("Ouders")},
    "visibility": {"openbaar": _l("Openbaar"), "netwerk": _l("Alleen voor het netwerk")},
    "version_status": {"concept": _l("Concept"), "in_review": _l("In review"), "goedgekeurd": _l("Goedgekeurd"),
                       "gepubliceerd": _l("Gepubliceerd"), "vervangen": _l("Vervangen")},
}


def label(group: str, value: object) -> str:
    """The display name of `value` in `group`; unknown values show as they are."""
    if value is None:
        return ""
    return str(LABELS.get(group, {}).get(str(value), value))

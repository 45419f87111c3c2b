"""Enums that carry their display labels, so a value and its Dutch (translatable) name live in one place.

Each enum lists `__labels__` (lazily translated) beside its values; forms take their choices with
`choices_for(Enum)`, templates say `Light.label_of(update.light)` or `VersionStatus.DRAFT`.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from flask import g
from wtforms.fields.choices import SelectChoice

from .i18n import translations

_TRANSLATED: dict[int, dict[object, str]] = {}


def _translated(label: Any) -> str:
    """A lazily translated label as text, kept per label (they live as long as their enum) and
    per language's translations (held, so never mistaken for another): through flask_babel
    each one cost ~15 µs, and a page shows dozens. Outside an app context, as it comes."""

    if not g:
        return str(label)
    per_language = _TRANSLATED.setdefault(id(label), {})
    catalogue = translations()
    text = per_language.get(catalogue)
    if text is None:
        text = per_language[catalogue] = str(label)
    return text


class LabeledEnum(enum.StrEnum):
    """A value stored as a string, with a label for people. Subclasses set `__labels__`."""

    __labels__: ClassVar[dict[str, Any]] = {}

    @property
    def label(self) -> str:
        label = self.__labels__.get(self.value)
        return self.value if label is None else _translated(label)

    @classmethod
    def label_of(cls, value: object) -> str:
        """The label of a stored value; unknown values show as they are, None as nothing."""
        if value is None:
            return ""
        label = cls.__labels__.get(str(value))
        return str(value) if label is None else _translated(label)


def choices_for(values: type[LabeledEnum] | list[LabeledEnum]) -> list[SelectChoice]:
    """Form choices for (some of) an enum's values, labelled, in the enum's order."""
    return [SelectChoice(member.value, member.__labels__[member.value]) for member in values]


def template_enums(*modules: Any) -> dict[str, type[LabeledEnum]]:
    """Every LabeledEnum defined in `modules`, by class name, for the template globals."""
    found: dict[str, type[LabeledEnum]] = {}
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, LabeledEnum) and value is not LabeledEnum:
                found[name] = value
    return found

"""An untouched form field's markup is kept per process (templating.widget); a field with a
value, typed input or an error is drawn by WTForms each time."""

from __future__ import annotations

import re

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from leernetwerk import templating
from leernetwerk.rounds.forms import MilestoneForm, UpdateForm


def _form(cls, data=None, **choices):
    form = cls(formdata=MultiDict(data) if data is not None else None, meta={"csrf": False})
    for name, values in choices.items():
        getattr(form, name).choices = values
    return form


def test_an_untouched_field_is_drawn_as_wtforms_draws_it_and_kept(app):
    with app.test_request_context("/"):
        templating._WIDGETS.clear()
        attrs = {"required": True, "aria-describedby": "title-hint"}
        first = _form(MilestoneForm)
        assert templating.widget(first.title, attrs) == first.title(**attrs)
        kept = len(templating._WIDGETS)
        second = _form(MilestoneForm)
        assert templating.widget(second.title, attrs) == second.title(**attrs)
        assert len(templating._WIDGETS) == kept == 1
        update = _form(UpdateForm)
        radios = templating.widget(update.light, {})
        assert radios == update.light() and "checked" not in radios


def test_typed_input_an_error_or_other_choices_are_never_taken_from_the_kept_markup(app):
    with app.test_request_context("/"):
        templating._WIDGETS.clear()
        people = [(0, "— de hele tafel —"), (7, "Lid Jansen")]
        other = [(0, "— de hele tafel —"), (8, "Lid De Vries")]
        assert "Gesprek" not in templating.widget(_form(MilestoneForm).title, {})
        typed = _form(MilestoneForm, {"title": "Gesprek met de wethouder", "due_on": "niet-een-datum",
                                      "assignee_id": "7"}, assignee_id=people)
        assert 'value="Gesprek met de wethouder"' in templating.widget(typed.title, {})
        assert not typed.validate() and typed.due_on.errors
        assert 'value="niet-een-datum"' in templating.widget(typed.due_on, {"aria-invalid": "true"})
        assert re.search(r'<option selected value="7">|<option value="7" selected>', templating.widget(typed.assignee_id, {}))
        first = templating.widget(_form(MilestoneForm, assignee_id=people).assignee_id, {})
        second = templating.widget(_form(MilestoneForm, assignee_id=other).assignee_id, {})
        assert "Lid Jansen" in first and "Lid De Vries" in second and "Lid Jansen" not in second
        assert "selected" not in first


def test_choices_are_kept_per_language(app):
    with app.test_request_context("/"):
        templating._WIDGETS.clear()
        with force_locale("nl"):
            dutch = templating.widget(_form(UpdateForm).light, {})
        with force_locale("en"):
            english = templating.widget(_form(UpdateForm).light, {})
        assert "Op koers" in dutch and "On track" in english and dutch != english

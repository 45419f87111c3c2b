"""The templates' `_()` and `ngettext()` (leernetwerk/i18n.py): translated for the locale in
force at the moment (a mail in its recipient's language inside someone else's request),
variables escaped in HTML and left alone in plain text."""

from __future__ import annotations

from flask_babel import force_locale


def test_template_gettext_follows_the_locale_and_escapes_variables(app):
    with app.test_request_context("/"):
        html = app.jinja_env.from_string(
            "{{ _('Filters toepassen') }}|{{ _('voor ‘%(q)s’', q='<script>') }}|"
            "{{ ngettext('%(num)d eindproduct', '%(num)d eindproducten', 2) }}")
        assert html.render() == "Filters toepassen|voor ‘&lt;script&gt;’|2 eindproducten"
        with force_locale("en"):
            assert html.render() == "Apply filters|for ‘&lt;script&gt;’|2 end products"
        assert html.render().startswith("Filters toepassen|")  # back to the request's language
        text = app.jinja_env.from_string("{% autoescape false %}{{ _('voor ‘%(q)s’', q='a & b') }}{% endautoescape %}")
        assert text.render() == "voor ‘a & b’"


def test_labels_and_form_messages_follow_the_locale_each_time(app):
    """Enum labels and WTForms' own messages are kept per language: asked again in the other
    language, they come in that one."""
    from wtforms import IntegerField

    from leernetwerk.forms import Form
    from leernetwerk.rounds.models import Light

    class Count(Form):
        number = IntegerField("Aantal")

    with app.test_request_context("/", method="POST", data={"number": "veel"}):
        for _ in range(2):  # the second time from what was kept
            form = Count(meta={"csrf": False})
            form.validate()
            assert Light.label_of("op_koers") == "Op koers" and form.errors == {"number": ["Ongeldig getal."]}
            with force_locale("en"):
                form = Count(meta={"csrf": False})
                form.validate()
                assert Light.label_of("op_koers") == "On track"
                assert form.errors == {"number": ["Not a valid integer value."]}


def test_the_templates_form_token_is_the_requests_own_and_validates(app):
    from flask_wtf.csrf import generate_csrf, validate_csrf

    from leernetwerk.templating import csrf_token

    with app.test_request_context("/"):
        first = app.jinja_env.globals["csrf_token"]()
        assert first == csrf_token() == generate_csrf()
        validate_csrf(first)  # raises when refused


def test_a_post_button_escapes_what_it_is_given_and_carries_the_token(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        html = render_template_string(
            "{{ post_button('/x?a=1&b=2', _('Verwijderen'), 'button-link', confirm='Echt <weg>?', hidden='Plan \"A\"') }}")
        token = app.jinja_env.globals["csrf_token"]()
    assert html == (
        '<form method="post" action="/x?a=1&amp;b=2" class="inline-form">\n'
        f'  <input type="hidden" name="csrf_token" value="{token}">\n'
        '  <button type="submit" class="button-link" data-confirm="Echt &lt;weg&gt;?">Verwijderen'
        '<span class="visually-hidden">: Plan &#34;A&#34;</span></button>\n</form>')
    with app.test_request_context("/"):
        plain = render_template_string("{{ post_button('/y', 'Activeren') }}")
    assert 'class="button secondary">Activeren</button>' in plain and "data-confirm" not in plain

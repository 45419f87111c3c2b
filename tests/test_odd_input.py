"""Odd input answers 4xx, never 500 (issue 11, item 3).

First the cases a probe found, one by one; then a Hypothesis fuzz test over every GET route in
`app.url_map` with odd path values and odd query parameters (each route's known parameters, the
names `url_for` keeps for itself, and arbitrary ones), as every demo role and anonymously.
"""

from __future__ import annotations

import os
import re
import traceback
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select

from leernetwerk.demo import DEMO_LOGINS, DEMO_PASSWORD
from leernetwerk.library.models import Deliverable, LibraryEntry
from leernetwerk.params import MAX_ID, parse_id, parse_ids, parse_page
from leernetwerk.rounds.models import Round, ThematicTable

from . import factories
from .library.helpers import Team

# The bounded run in the normal suite: about 480 requests (six fixed ones per route, then 200
# drawn ones shared out over the routes), the same ones every run, so a failure is reproducible;
# no request may take 10 seconds (generous: a busy shared CI machine must not make it flaky).
# HYPOTHESIS_PROFILE=explore searches wider and differently each time.
settings.register_profile("leernetwerk", max_examples=200, deadline=timedelta(seconds=10), derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("explore", max_examples=3000, deadline=timedelta(seconds=10), database=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "leernetwerk")

# The names url_for takes for itself: as query parameters they must never reach it.
URL_FOR_OWN = ("_anchor", "_scheme", "_method", "_external", "endpoint", "values")
ODD_NUMBERS = (
    "0", "-1", "1", "2", "7", str(MAX_ID), str(MAX_ID + 1), "4294967296", "9223372036854775808",
    "99999999999999999999999", "²", "٣", "¹²", "1.5", "1e3", "0x10", " 1", "1 ", "00000000001", "+1", "",
)
ODD_TEXT = ("x", "..", "%", "%00", "\x00", "\r\n", "'", "\"><", "é", "a/b", "🙂", "x" * 300, "friesland",
            "relevantie", "datum", "systeem", "mail", "2026-02-30", "2026-01-01", "https://example.org")


def _query_names() -> list[str]:
    """Every query parameter the app reads: names found in the source, plus the audit filter's."""
    source = Path(__file__).resolve().parents[1] / "leernetwerk"
    pattern = re.compile(r"""args(?:\.get|\.getlist|\[)\(?\s*["']([A-Za-z_]+)["']""")
    names = {"q", "pagina", "per_pagina", "sorteer", "soort", "actielijn", "doelgroep", "gemeente", "ronde",
             "tafel", "wie", "van", "tot", "stand", "organisatie", "vraagstuk", "titel", "thema", "next"}
    for path in source.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


KNOWN = _query_names()


def _status(client, url: str) -> int:
    try:
        return client.get(url).status_code
    except Exception as exc:  # noqa: BLE001 - the test app propagates what a server answers 500 to
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/leernetwerk/" in f.filename]
        detail = "".join(traceback.format_list(frames) + traceback.format_exception_only(exc))
        raise AssertionError(f"500 on {url}:\n{detail}") from None


# --- the cases the probe found ----------------------------------------------------------------

@pytest.fixture
def library(db):
    """A small published library: two end products, so per_pagina=1 pages."""
    team = Team()
    for title in ("Zorgpad één", "Zorgpad twee"):
        team.publish(title)
    return team


@pytest.mark.parametrize("query", [
    "ronde=%C2%B2", "tafel=%C2%B2", "gemeente=%D9%A3", "ronde=99999999999999999999999", "tafel=2147483648",
    "gemeente=99999999999999999999999", "pagina=99999999999999999999999", "per_pagina=99999999999999999999999",
    "pagina=%C2%B2", "pagina=-3",
])
def test_odd_numbers_in_the_library_query_are_ignored(client, library, query):
    response = client.get(f"/bibliotheek?{query}")
    assert response.status_code == 200
    api = client.get(f"/api/v1/eindproducten?{query}")
    assert api.status_code == 200


def test_a_number_filter_out_of_range_finds_nothing_rather_than_everything(client, library, db):
    round_id = db.session.execute(select(LibraryEntry.round_id)).scalars().first()
    assert client.get(f"/api/v1/eindproducten?ronde={round_id}").json["totaal"] == 2
    assert client.get("/api/v1/eindproducten?ronde=99999999999999999999999").json["totaal"] == 0
    assert client.get("/api/v1/eindproducten?ronde=%C2%B2").json["totaal"] == 0


@pytest.mark.parametrize("path", ["/rondes/{}", "/tafels/{}", "/vraagstukken/{}", "/werkpakketten/{}",
                                  "/beheer/mensen/{}/bewerken", "/bibliotheek/x/versie/{}"])
@pytest.mark.parametrize("value", [str(MAX_ID + 1), "99999999999999999999999", "0", "٣"])
def test_an_id_outside_the_database_range_is_not_found(client, login, path, value):
    login(factories.make_user(staff=True))
    assert client.get(path.format(value)).status_code == 404


def test_the_largest_id_is_looked_up_and_not_found(client, login):
    login(factories.make_user(staff=True))
    assert client.get(f"/tafels/{MAX_ID}").status_code == 404
    assert client.get(f"/rondes/{MAX_ID}").status_code == 404


def test_a_query_string_value_that_is_no_id_counts_as_absent(client, login, db):
    staff = factories.make_user(staff=True)
    round_ = factories.make_round(staff)
    login(staff)
    for odd in ("99999999999999999999999", str(MAX_ID + 1), "%C2%B2", "%D9%A3"):
        invite = client.get(f"/beheer/mensen/uitnodigen?tafel={odd}")
        assert invite.status_code == 200 and "Iemand uitnodigen<" in invite.text
        assert client.get(f"/vraagstukken?gemeente={odd}").status_code == 200
        assert client.get(f"/rondes/{round_.id}/tafels/nieuw?vraagstuk={odd}").status_code == 200
        assert client.get(f"/beheer/logboek?wie={odd}").status_code in (200, 400)
        assert client.get(f"/beheer/mensen?pagina={odd}").status_code == 200


@pytest.mark.parametrize("name", URL_FOR_OWN)
def test_url_for_names_in_the_query_do_not_break_the_library_pagination(client, library, name):
    response = client.get(f"/bibliotheek?per_pagina=1&{name}=x&q=zorgpad")
    assert response.status_code == 200
    assert 'rel="next"' in response.text
    next_link = re.search(r'<a rel="next" href="([^"]+)"', response.text).group(1)
    assert name not in next_link and "pagina=2" in next_link and "q=zorgpad" in next_link


@pytest.mark.parametrize("name", URL_FOR_OWN)
def test_url_for_names_in_the_query_do_not_break_the_staff_pagination(client, login, name):
    staff = factories.make_user(staff=True)
    with factories.one_commit():
        for n in range(51):
            factories.make_user(staff, name=f"Persoon {n:02d}", email=f"persoon-{n}@example.org", password=None)
    login(staff)
    for page in ("/beheer/mensen", "/beheer/logboek"):
        response = client.get(f"{page}?{name}=x&q=persoon")
        assert response.status_code == 200, page
        next_link = re.search(r'href="([^"]+)" rel="next"', response.text).group(1)
        assert name not in next_link and "pagina=2" in next_link


def test_the_id_helpers():
    assert parse_id("12") == 12
    assert parse_id(str(MAX_ID)) == MAX_ID
    for odd in ("0", "-1", str(MAX_ID + 1), "²", "٣", " 1", "1.0", "", None, "0x1", "+1"):
        assert parse_id(odd) is None, odd
    assert parse_ids(["3", "²", "3", "99999999999999999999999", "4"]) == [3, 4]
    assert [parse_page(v) for v in ("2", "0", "-2", "²", "99999999999999999999999", None)] == [2, 1, 1, 1, 10_000, 1]


# --- the fuzz test ----------------------------------------------------------------------------

@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def test_no_get_route_answers_5xx_to_odd_input(app, demo, db, make_client):
    """Every GET route, its path values odd or real, its query odd, as each demo role and as a
    visitor: never a 5xx. Each route gets its share of the examples, so none is left out, and
    first a few fixed ones that every route must survive (the kinds of input that broke pages)."""
    clients = {"anonymous": make_client()}
    for email, _name in DEMO_LOGINS:
        clients[email] = make_client()
        response = clients[email].post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.text
    staff = DEMO_LOGINS[0][0]
    rules = sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)
    assert len(rules) > 30
    slugs = tuple(db.session.execute(select(Deliverable.slug)).scalars())
    real_ids = tuple(str(i) for model in (Round, ThematicTable)
                     for i in db.session.execute(select(model.id)).scalars())
    numbers = st.sampled_from(ODD_NUMBERS + real_ids) | st.integers(-10, 2**70).map(str)
    words = st.sampled_from(ODD_TEXT + slugs) | st.text(max_size=12)
    profile = settings.get_profile(PROFILE)
    per_rule = max(2, profile.max_examples // len(rules))

    def checker(rule):  # one Hypothesis run per route
        slots = {name: converter for converter, name in PLACEHOLDER.findall(rule.rule)}
        names = KNOWN + list(URL_FOR_OWN) + sorted(slots)
        path = st.fixed_dictionaries({name: numbers | words if converter == "int" else words | numbers
                                      for name, converter in slots.items()})
        query = st.lists(st.tuples(st.sampled_from(names) | st.text(min_size=1, max_size=8), numbers | words),
                         max_size=12)

        def real(**odd: str) -> dict:
            return {name: odd.get(converter or "default", odd.get("default")) for name, converter in slots.items()}

        def everything(value: str) -> list[tuple[str, str]]:
            return [(name, value) for name in KNOWN]

        # Page links with url_for's own names in the query; Unicode digits and numbers past the
        # database's integer range in every known parameter and path id.
        paging = [(name, "x") for name in URL_FOR_OWN] + [("per_pagina", "1")]
        fixed = [(role, real(int=real_ids[0], default=slugs[0]), paging) for role in (staff, "anonymous")]
        fixed += [(staff, real(int="²", default="²"), everything("²")),
                  (staff, real(int="1", default="a\x00b"), everything("a\x00b")),
                  (staff, real(int=str(MAX_ID + 1), default=slugs[0]), everything(str(MAX_ID + 1))),
                  (staff, real(int="99999999999999999999999", default="x"), everything("99999999999999999999999"))]

        @settings(profile, max_examples=per_rule)
        @given(role=st.sampled_from(sorted(clients)), path=path, query=query)
        def check(role: str, path: dict, query: list) -> None:
            url = PLACEHOLDER.sub(lambda m: quote(path[m.group(2)], safe="") or "x", rule.rule)
            if query:
                url += "?" + urlencode(query)
            note(f"GET {url} as {role}")
            status = _status(clients[role], url)
            assert status < 500, f"{status} on {url} as {role}"

        for role, path_values, params in fixed:
            check = example(role=role, path=path_values, query=params)(check)
        return check

    for rule in rules:
        checker(rule)()


def test_a_nul_byte_anywhere_in_a_request_answers_400(client, login, library):
    login(library.staff)
    for url in ("/bibliotheek?q=a%00b", "/bibliotheek/zorgpad%00", "/organisaties?q=%00", "/beheer/mensen?q=%00",
                "/vraagstukken/vergelijkbaar?q=%00", "/api/v1/eindproducten?q=%00", "/bibliotheek?%00=x"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.headers["Cache-Control"] == "no-store"
    posted = client.post(f"/werkpakketten/{library.work_package.id}/updates",
                         data={"body": "Tekst met\x00nul", "light": "op_koers"})
    assert posted.status_code == 400
    assert "Dit verzoek kunnen we niet lezen" in posted.text

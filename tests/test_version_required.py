"""A save of a versioned object must say which version it was made against (issue 11, item 8).

Without the version field the conflict check used to be skipped (or, where the object has a
`version` attribute, passed with the stored version): a silent overwrite of someone else's save.
Now such a save is refused with a clear message and nothing is stored.
"""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from leernetwerk.coalitions.models import Organisation
from leernetwerk.errors import VersionMissing
from leernetwerk.extensions import db as _db
from leernetwerk.library.models import DeliverableVersion
from leernetwerk.rounds.models import MemberRole, Round, ThematicTable, WorkPackage
from leernetwerk.versioning import check_version
from tests import factories
from tests.library.helpers import Team

MESSAGE = "Dit formulier mist zijn versienummer"


@pytest.fixture
def edits(db):
    """Every form that edits a versioned object: (url, title field, how to read the stored title)."""
    team = Team()
    draft = team.draft("Sociale kaart")
    with factories.one_commit():
        organisation = factories.make_organisation(name="Kraamzorg Het Nest")
    table = team.table
    return team.staff, {
        "round": (f"/rondes/{table.round_id}/bewerken", "name", lambda: _db.session.get(Round, table.round_id).name),
        "table": (f"/tafels/{table.id}/bewerken", "title", lambda: _db.session.get(ThematicTable, table.id).title),
        "work package": (f"/werkpakketten/{team.work_package.id}/bewerken", "title",
                         lambda: _db.session.get(WorkPackage, team.work_package.id).title),
        "end product": (f"/eindproducten/{draft.deliverable_id}/bewerken", "title",
                        lambda: _db.session.get(DeliverableVersion, draft.id).title),
        "organisation": (f"/organisaties/{organisation.id}/bewerken", "name",
                         lambda: _db.session.execute(select(Organisation.name)).scalar_one()),
    }


def _filled_form(client, url: str) -> dict[str, list[str]]:
    """What a browser would send for the edit form as shown (the form that carries `version`)."""
    page = lxml.html.fromstring(client.get(url).text)
    [form] = [f for f in page.forms if f.inputs.keys() and "version" in f.inputs.keys()]
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return values


@pytest.mark.parametrize("kind", ["round", "table", "work package", "end product", "organisation"])
@pytest.mark.parametrize("version", [None, "", "geen-getal"])
def test_a_save_without_its_version_is_refused_and_stores_nothing(client, login, edits, kind, version):
    staff, forms = edits
    url, title_field, stored_title = forms[kind]
    login(staff)
    before = stored_title()
    data = _filled_form(client, url)
    assert data["version"][0].isdigit()
    data[title_field] = ["Zonder versie opgeslagen"]
    if version is None:
        del data["version"]
    else:
        data["version"] = [version]
    response = client.post(url, data=data)
    assert response.status_code == 400, response.text
    assert MESSAGE in response.text and "niets opgeslagen" in response.text
    assert 'value="Zonder versie opgeslagen"' in response.text  # what was typed stays in the form
    _db.session.expire_all()
    assert stored_title() == before


@pytest.mark.parametrize("kind", ["round", "table", "work package", "end product", "organisation"])
def test_the_same_form_with_its_version_saves(client, login, edits, kind):
    staff, forms = edits
    url, title_field, stored_title = forms[kind]
    login(staff)
    data = _filled_form(client, url)
    data[title_field] = ["Met versie opgeslagen"]
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text
    _db.session.expire_all()
    assert stored_title() == "Met versie opgeslagen"


def test_the_service_check_refuses_a_missing_version(db):
    lead = factories.make_user()
    table = factories.make_table(members=[(lead, MemberRole.LEAD)])
    with pytest.raises(VersionMissing, match=MESSAGE):
        check_version(table, None)
    check_version(table, table.version)  # the stored version passes

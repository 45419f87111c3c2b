"""Benchmark: the library at national scale (100,000 end products) against a bare Flask route.

Builds a scratch database (SQLite by default, or BENCH_DATABASE_URL), fills it with published end
products in bulk, then times library pages and the JSON API in the same run as a route that
does nothing, and prints requests per second and the ratio. Not a test: it asserts nothing.

    .venv/bin/python bench/library.py                   # SQLite, 100,000 end products, filled here
    BENCH_N=20000 .venv/bin/python bench/library.py     # smaller
    BENCH_NATIONAL=1 .venv/bin/python bench/library.py  # the national data of `make bench` (reused)
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from leernetwerk import create_app
from leernetwerk.extensions import db

N = int(os.environ.get("BENCH_N", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WORDS = ("zwangerschap zwangerschappen zorgpad zorgpaden verloskundige kraamzorg jeugdgezondheidszorg schulden "
         "geldzorgen tolk taal huisbezoek coöperatie gemeente wijkteam ouders baby geboorte signaleren "
         "doorverwijzen overdracht kwetsbaar veilig thuis meldcode sociale kaart handreiking factsheet scholing "
         "huisarts ziekenhuis preconceptie kinderwens armoede huisvesting opvoeding welzijn").split()
KINDS = ["zorgpad", "sociale_kaart", "handreiking", "factsheet", "werkwijze", "scholing", "overig"]
LINES = ["voor_zwangerschap", "tijdens_zwangerschap", "na_geboorte"]
AUDIENCES = ["verloskundigen", "kraamzorg", "jgz", "gemeenten", "huisartsen", "sociaal_domein"]


FILLER = [f"{a}{b}" for a in ("zorg", "kind", "ouder", "wijk", "team", "plan", "hulp", "net", "werk", "dag")
          for b in ("en", "ing", "lijk", "heid", "baar", "tje", "isch", "er", "ster", "schap", "dom", "ling",
                    "te", "sel", "nis", "erij", "ant", "ist", "eur", "ief")]


def sentence(rng: random.Random, n: int) -> str:
    """Mostly common filler words; a domain word one time in twelve, so searches are selective."""
    return " ".join(rng.choice(WORDS) if rng.random() < 1 / 12 else rng.choice(FILLER) for _ in range(n))


def fill(app, demo: bool = True) -> None:  # noqa: ANN001
    """`demo=False` spreads the end products over the tables already there (bench/national.py)."""
    from leernetwerk.demo import seed_demo
    from leernetwerk.library import search
    from leernetwerk.library.models import (
        Deliverable,
        DeliverableVersion,
        LibraryEntry,
        entry_audiences,
        entry_municipalities,
    )
    from leernetwerk.library.text import index_parts, index_text, words
    from leernetwerk.rounds.models import ThematicTable, WorkPackage

    rng = random.Random(42)  # nosec B311 # made-up benchmark data, the same every run; no secret
    with app.app_context():
        if demo:
            seed_demo()
            db.session.commit()
        user_id = db.session.execute(text("SELECT min(id) FROM users")).scalar()
        wps = {wp.table_id: wp.id for wp in db.session.execute(db.select(WorkPackage)).scalars()}
        tables = [t for t in db.session.execute(db.select(ThematicTable)).scalars() if t.id in wps]
        municipality_ids = [m for (m,) in db.session.execute(text("SELECT id FROM municipalities"))]
        start_id = db.session.execute(text("SELECT coalesce(max(id), 0) FROM deliverables")).scalar() + 1
        version_start = db.session.execute(text("SELECT coalesce(max(id), 0) FROM deliverable_versions")).scalar() + 1
        now = datetime.now(timezone.utc)
        batch = 5000
        for offset in range(0, N, batch):
            deliverables, versions, entries, audiences, places = [], [], [], [], []
            for i in range(offset, min(N, offset + batch)):
                did, vid = start_id + i, version_start + i
                table = tables[i % len(tables)]
                title = f"{sentence(rng, 4).capitalize()} {did}"
                summary, body = sentence(rng, 25), sentence(rng, 120)
                kind, line = rng.choice(KINDS), rng.choice(LINES)
                published = now - timedelta(minutes=i)
                deliverables.append({"id": did, "slug": f"bench-{did}", "work_package_id": wps[table.id],
                                     "created_by_id": user_id, "created_at": published})
                versions.append({"id": vid, "deliverable_id": did, "number": 1, "title": title, "summary": summary,
                                 "body": body, "kind": kind, "action_line": line, "visibility": "openbaar",
                                 "all_of_friesland": False, "status": "gepubliceerd", "created_by_id": user_id,
                                 "created_at": published, "updated_at": published, "published_at": published,
                                 "lock_version": 1})
                entries.append({"deliverable_id": did, "version_id": vid, "slug": f"bench-{did}", "title": title,
                                "summary": summary, "plain_text": body, "kind": kind, "action_line": line,
                                "visibility": "openbaar" if i % 10 else "netwerk", "all_of_friesland": False,
                                "round_id": table.round_id, "table_id": table.id, "theme": table.theme,
                                "version_number": 1, "published_at": published})
                visibility = entries[-1]["visibility"]
                for a in rng.sample(AUDIENCES, 2):
                    audiences.append({"deliverable_id": did, "audience": a, "visibility": visibility})
                places.append({"deliverable_id": did, "municipality_id": rng.choice(municipality_ids),
                               "visibility": visibility})
            db.session.execute(insert(Deliverable), deliverables)
            db.session.execute(insert(DeliverableVersion), versions)
            db.session.execute(insert(LibraryEntry), entries)
            db.session.execute(insert(entry_audiences), audiences)
            db.session.execute(insert(entry_municipalities), places)
            seen: set[str] = set()
            for e in entries:
                body = f"{e['summary']} {e['plain_text']}"
                search.index(e["deliverable_id"], index_text(e["title"]), index_text(body),
                             index_parts(f"{e['title']} {body}"))
                seen.update(words(f"{e['title']} {body}"))
            search.remember_words(seen)
            db.session.commit()
            print(f"  {min(N, offset + batch):>7} end products", flush=True)
        db.session.commit()
        # Statistics first: without them PostgreSQL plans the update below as a bitmap AND over
        # every published version for each end product (hours at 100,000; seconds with them).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        publish_versions()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does in production: statistics and the visibility map, so that
            # counts can be answered from indexes alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def publish_versions() -> None:
    """Point every bench end product at its published version (its page needs it)."""
    db.session.execute(text(
        "UPDATE deliverables SET published_version_id = (SELECT v.id FROM deliverable_versions v "
        "WHERE v.deliverable_id = deliverables.id AND v.status = 'gepubliceerd') "
        "WHERE published_version_id IS NULL AND slug LIKE 'bench-%'"))
    db.session.commit()


def measure(client, path: str, cold: bool = False, new_state: bool = False,  # noqa: ANN001
            rendered: bool = False) -> tuple[float, float]:
    """Median requests per second and milliseconds, as an anonymous visitor gets the page (from
    the page cache when it holds it); `rendered` forgets the rendered page first (the search's
    counts stay known), `cold` also the cached facet counts and pages of hits, `new_state` also
    the facet id sets (as after a publication: the first search of a new state of the library
    builds them)."""
    from leernetwerk.library import queries

    client.get(path)  # warm up
    cache = client.application.extensions.get("page_cache")
    times = []
    for _ in range(REPEAT if not new_state else max(3, REPEAT // 5)):
        if (rendered or cold or new_state) and cache is not None:
            cache.clear()
        if cold or new_state:
            queries._COUNTS.clear()
        if new_state:
            queries._SNAPSHOT.clear()
        t0 = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:  # not an assert: under `python -O` it would time error pages
            raise SystemExit(f"{path} answered {response.status_code}")
    median = statistics.median(times)
    return 1 / median, median * 1000


def main() -> None:
    if os.environ.get("BENCH_NATIONAL"):
        # The national database of `make bench` (built once, reused): SQLite, and PostgreSQL
        # when BENCH_DATABASE_URL names it.
        import national

        for url in national.database_urls():
            national.build(url)
            measure_all(national.make_app(url))
        return
    scratch = Path(tempfile.mkdtemp(prefix="leernetwerk-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch / 'bench.sqlite'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(scratch), "SECRET_KEY": secrets.token_hex(16),
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        from flask_migrate import downgrade, upgrade

        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
    print(f"Filling {N:,} end products into {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]} ...")
    t0 = time.perf_counter()
    fill(app)
    print(f"  filled in {time.perf_counter() - t0:.0f} s")
    measure_all(app)


def measure_all(app) -> None:  # noqa: ANN001
    from leernetwerk.library import queries

    # Kept per process by the library's generation: another database's would pass for this one's.
    for kept in (queries._COUNTS, queries._SNAPSHOT, queries._LABELS):
        kept.clear()

    @app.route("/bench/bare")
    def bare() -> str:
        return "ok"

    client = app.test_client()
    pages = [
        ("bare Flask route", "/bench/bare"),
        ("library, no query", "/bibliotheek"),
        ("library, q=zwangerschappen", "/bibliotheek?q=zwangerschappen"),
        ("library, q=zorgpaden kraamzorg + facet", "/bibliotheek?q=zorgpaden+kraamzorg&soort=zorgpad"),
        ("library, rare word", "/bibliotheek?q=preconceptie+kinderwens+armoede"),
        ("library, compound part q=zorg", "/bibliotheek?q=zorg"),
        ("library, compound part q=huis", "/bibliotheek?q=huis"),
        ("library, synonym q=jgz", "/bibliotheek?q=jgz"),
        ("library, typo q=zwangreschap", "/bibliotheek?q=zwangreschap"),
        ("library, q=zorg by date, page 3", "/bibliotheek?q=zorg&sorteer=datum&pagina=3"),
        ("library, q=zorg + 2 facets, page 2", "/bibliotheek?q=zorg&soort=handreiking&doelgroep=jgz&pagina=2"),
        ("library, page 50 by date", "/bibliotheek?sorteer=datum&pagina=50"),
        ("API, q=tolk", "/api/v1/eindproducten?q=tolk"),
        ("healthz", "/healthz"),
    ]
    bare_rps = None
    print(f"\n{app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    print(f"{'page':42} {'req/s':>8} {'median ms':>10} {'vs bare':>8} {'warm ms':>8} {'cold ms':>8} "
          f"{'new state ms':>13}")
    for name, path in pages:
        rps, ms = measure(client, path)
        _warm_rps, warm_ms = measure(client, path, rendered=True)
        _cold_rps, cold_ms = measure(client, path, cold=True)
        _new_rps, new_ms = measure(client, path, new_state=True)
        bare_rps = bare_rps or rps
        print(f"{name:42} {rps:8.1f} {ms:10.1f} {rps / bare_rps:8.3f} {warm_ms:8.1f} {cold_ms:8.1f} {new_ms:13.1f}")
    print(f"\n{REPEAT} requests each, one process, in-process test client. 'median ms' = as an anonymous "
          "visitor gets it (the page cache may hold it); 'warm' = the page rendered, the search's counts "
          "known; 'cold' = facet counts and hits not yet known for this query; 'new state' = the first "
          "search after a publication or withdrawal (the facet id sets are rebuilt too).")


if __name__ == "__main__":
    main()

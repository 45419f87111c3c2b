"""A scratch database at national scale, built once and reused by the benchmarks.

20,000 people, a running round of 7,500 tables (six members each, a work package each), 100,000
milestones, 500,000 progress updates (`bench/reminders.py` builds those) and 100,000 published end
products in the library (`bench/library.py`). A finished build leaves a marker row naming its
scale; a later run with the same scale finds it and skips the build.

    .venv/bin/python bench/national.py                       # SQLite in bench/.data/
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/national.py
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sqlalchemy import create_engine, insert, inspect, text  # noqa: E402

DATA = HERE / ".data"
SCALE = {"end_products": int(os.environ.get("BENCH_N", "100000")),
         "people": int(os.environ.get("BENCH_PEOPLE", "20000")),
         "tables": int(os.environ.get("BENCH_TABLES", "7500")),
         "milestones": int(os.environ.get("BENCH_MILESTONES", "100000")),
         "updates": int(os.environ.get("BENCH_UPDATES", "500000"))}
SIGNATURE = "national:" + ",".join(f"{k}={v}" for k, v in SCALE.items())
FRISIAN = ("Achtkarspelen", "Ameland", "Dantumadiel", "De Fryske Marren", "Harlingen", "Heerenveen",
           "Leeuwarden", "Noardeast-Fryslân", "Ooststellingwerf", "Opsterland", "Schiermonnikoog",
           "Smallingerland", "Súdwest-Fryslân", "Terschelling", "Tytsjerksteradiel", "Vlieland",
           "Waadhoeke", "Weststellingwerf")


def database_urls() -> list[str]:
    """SQLite always; PostgreSQL too when BENCH_DATABASE_URL names it."""
    DATA.mkdir(exist_ok=True)
    urls = [f"sqlite:///{DATA / 'national.sqlite'}"]
    if os.environ.get("BENCH_DATABASE_URL"):
        urls.append(os.environ["BENCH_DATABASE_URL"])
    return urls


def is_built(url: str) -> bool:
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("bench_built"):
            return False
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM bench_built WHERE signature = :s"),
                                {"s": SIGNATURE}).scalar() > 0
    finally:
        engine.dispose()


def make_app(url: str, **config):  # noqa: ANN003, ANN201
    from leernetwerk import create_app

    instance = DATA / ("instance-" + url.split("://")[0].split("+")[0])
    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                       "BASE_URL": "http://127.0.0.1", "SCHEDULER_ENABLED": False,
                       "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1, **config})


def build(url: str) -> None:
    """Build the national database at `url` unless it is there already; always migrate to head."""
    from flask_migrate import upgrade

    if is_built(url):
        import library

        app = make_app(url)
        with app.app_context():
            upgrade()
            library.publish_versions()  # a build from before this step was added
        print(f"{url.split('@')[-1]}: national data already built, reused", flush=True)
        return

    import library
    import reminders

    from leernetwerk.extensions import db
    from tests.conftest import reset_schema

    reset_schema(url)
    reminders.TABLES, reminders.MILESTONES = SCALE["tables"], SCALE["milestones"]
    reminders.UPDATES, reminders.PEOPLE = SCALE["updates"], SCALE["people"]
    library.N = SCALE["end_products"]
    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        now = datetime.now(timezone.utc).replace(microsecond=0)
        print(f"{url.split('@')[-1]}: people, tables, milestones, updates ...", flush=True)
        reminders.fill(now.date(), now)
        from leernetwerk.coalitions.models import Municipality

        db.session.execute(insert(Municipality), [{"name": n, "slug": n.lower().replace(" ", "-")}
                                                  for n in FRISIAN])
        db.session.commit()
        print(f"  {time.perf_counter() - started:.0f} s; end products ...", flush=True)
        library.fill(app, demo=False)
        db.session.execute(text("CREATE TABLE bench_built (signature VARCHAR(200))"))
        db.session.execute(text("INSERT INTO bench_built VALUES (:s)"), {"s": SIGNATURE})
        db.session.commit()
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    for url in database_urls():
        build(url)


if __name__ == "__main__":
    main()

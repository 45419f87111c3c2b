"""Leernetwerk: the Fries Leernetwerk Kansrijke Start web application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Application factory; `config` overrides environment settings (used by tests)."""
    instance_path = Path((config or {}).get("INSTANCE_PATH") or ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config_module.load(instance_path, config))
    instance_path.mkdir(parents=True, exist_ok=True)

    from .params import IdConverter

    # Every `<int:...>` in a route is a row id (or a version number): 1 to 2**31 - 1, else 404.
    app.url_map.converters["int"] = IdConverter

    from . import models  # noqa: F401  (register every table with the metadata)
    from .extensions import babel, csrf, db, login_manager, migrate
    from .library import generation  # noqa: F401  (moves the library's generation on visible changes)
    from .notifications import events  # noqa: F401  (notices for the areas' signals)
    from .rounds import generation as work_generation  # noqa: F401  (moves the rounds' work generation)

    db.init_app(app)
    from .database import end_reading_transactions

    end_reading_transactions(app, db.session)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)

    from .i18n import init_i18n

    init_i18n(app, babel)

    from .auth.sessions import init_login

    init_login(app, login_manager)

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            from .database import configure_sqlite

            configure_sqlite(engine)
        from .generations import watch_writes

        watch_writes(engine)

    from .security import init_security

    init_security(app)

    import logging

    from .access_log import RedactingFilter

    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactingFilter())  # the dev server's access log: no link tokens

    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .coalitions.questions_views import questions_bp
    from .coalitions.views import bp as coalitions_bp
    from .library.views import bp as library_bp
    from .main.views import bp as main_bp
    from .notifications.views import bp as notifications_bp
    from .rounds.views import bp as rounds_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(coalitions_bp)

    from .cli import register_cli

    register_cli(app)

    from .templating import init_templating

    init_templating(app)

    from .page_cache import Replays

    # Inside WhiteNoise (static files first) and the proxy fix (the client's scheme and host).
    from .personal_pages import PersonalPages

    app.wsgi_app = Replays(PersonalPages(app.wsgi_app, app), app)

    from .static_files import init_static

    init_static(app)

    from .notifications.scheduler import init_scheduler

    init_scheduler(app)
    # Outermost, so everything inside (static files too) sees the client's address.
    if app.config["TRUSTED_PROXIES"]:
        from .security import TrustedProxyFix

        app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["TRUSTED_PROXIES"],
                                       app.config["TRUSTED_PROXY_ADDRESSES"])
    return app

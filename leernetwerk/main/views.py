"""Home page and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..policy import require

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Visitors see what the network is; a logged-in person goes straight to their overview."""
    require("site.view")
    if current_user.is_authenticated:
        return redirect(url_for("rounds.dashboard"))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    """200 with the database state when it answers; 503 otherwise."""
    state = {"status": "ok", "database": {"dialect": db.engine.dialect.name}}
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        state["database"].update(status="ok", revision=revision)
        code = 200
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check failed: %s", exc)
        state["status"] = "error"
        state["database"].update(status="unavailable")
        code = 503
    return jsonify(state), code

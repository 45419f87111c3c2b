"""Static files through WhiteNoise: content-hashed names kept by browsers for a year, gzip.

At start the files in `static/` are copied into `<instance>/static/` under content-hashed names
(`css/app.css` becomes `css/app.3f2a1b9c04.css`) beside their plain names, and gzipped;
WhiteNoise serves that folder before Flask sees the request. `url_for('static', filename=...)`
keeps working everywhere and gives the hashed name, so a page always asks for exactly the file it
was made with; a changed file gets a new name and no browser keeps an old one. The plain names
(for whatever links to them from outside) are kept only briefly.

Copies are written to a temporary name and renamed, so workers starting at once do no harm.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


def _copy(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size and \
            target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy `source` into `target` with hashed names and gzip; answer {name: hashed name}."""
    manifest: dict[str, str] = {}
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        hashed = f"{name[:-len(path.suffix)]}.{digest}{path.suffix}" if path.suffix else f"{name}.{digest}"
        manifest[name] = hashed
        for copy in (target / name, target / hashed):
            _copy(path, copy)
            gzipped = copy.with_name(copy.name + ".gz")
            if compressor.should_compress(copy.name) and (
                    not gzipped.exists() or gzipped.stat().st_mtime < copy.stat().st_mtime):
                list(compressor.compress(str(copy)))  # a generator: it writes the .gz while consumed
    return manifest


def init_static(app: Flask) -> None:
    source = Path(app.static_folder)
    target = Path(app.instance_path) / "static"
    manifest = build(source, target)
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def _hashed_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])

    def _headers(headers, _path: str, _url: str) -> None:  # noqa: ANN001
        headers["X-Content-Type-Options"] = "nosniff"

    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=str(target), prefix="static/", max_age=300,
        immutable_file_test=lambda _path, url: bool(HASHED.search(url)),
        add_headers_function=_headers,
    )

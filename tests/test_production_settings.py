"""Production settings (issue 12, point 6): .streamlit/config.toml, the upload limit, Dockerfile, compose.yaml.

Read as files (tomllib, a YAML parser, the Dockerfile's instructions), so a setting that drifts from the
code or from the deployment docs fails here. The same settings on a running server: test_hostile_server.py.
"""

from __future__ import annotations

import io
import tomllib

import pytest
from conftest import ROOT

from journey.core.errors import ImportRejected
from journey.measure.imports import formats
from journey.plan.map_export import MAX_CSV_BYTES
from journey.write.gallery import MAX_UPLOAD_BYTES as GALLERY_UPLOAD_BYTES

MB = 1024 * 1024
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_the_config_keeps_the_production_settings():
    server = CONFIG["server"]
    assert server["fileWatcherType"] == "none"  # no reload of code on a server
    assert server["enableXsrfProtection"] is True
    assert CONFIG["client"]["showErrorDetails"] == "none"  # no tracebacks to users
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_cross_origin_access_is_off_which_in_streamlit_is_cors_protection_on():
    # enableCORS = false would send Access-Control-Allow-Origin: * (streamlit/streamlit#16390)
    assert CONFIG["server"]["enableCORS"] is True
    assert not CONFIG["server"].get("corsAllowedOrigins")


def test_the_upload_limit_is_the_importers_and_covers_every_uploader():
    assert CONFIG["server"]["maxUploadSize"] == formats.MAX_UPLOAD_MB
    assert formats.MAX_UPLOAD_BYTES == formats.MAX_UPLOAD_MB * MB  # Streamlit counts MB as MiB
    # the other uploaders refuse smaller files themselves: the global limit must let those reach them
    assert formats.MAX_UPLOAD_BYTES >= GALLERY_UPLOAD_BYTES
    assert formats.MAX_UPLOAD_BYTES >= MAX_CSV_BYTES


def test_an_upload_over_the_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(formats, "MAX_UPLOAD_BYTES", 1_000)
    with pytest.raises(ImportRejected, match="an upload is at most 100 MB") as refused:
        formats.open_csv(io.BytesIO(b"date,email,delivered\n" + b"2026-01-05,Welcome,10\n" * 60))
    assert refused.value.field == "file"
    # the limit counts bytes: a file of exactly the limit is read
    exact = b"date,email,delivered\n" + b"x" * (1_000 - 21)
    assert formats.open_csv(io.BytesIO(exact)).header == ["date", "email", "delivered"]


def test_a_file_on_disk_is_streamed_whatever_its_size(monkeypatch, tmp_path):
    monkeypatch.setattr(formats, "MAX_UPLOAD_BYTES", 10)  # the CLI's files are not uploads
    path = tmp_path / "metrics.csv"
    path.write_text("date,email,delivered\n2026-01-05,Welcome,10\n")
    stream = formats.open_csv(path)
    assert stream.header == ["date", "email", "delivered"]
    stream.close()


# --- Dockerfile, compose.yaml, the proxy: read as files (no Docker daemon needed) ----------------------


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in joined.splitlines()
        if line.strip()
    ]


def _compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_image_runs_serve_py_as_a_non_root_user_with_the_pinned_packages_and_a_health_check():
    instructions = _dockerfile()
    keywords = [keyword for keyword, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert any(k == "RUN" and "pip install" in a and "-r requirements.txt" in a for k, a in instructions)
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")  # the server itself runs as that user
    command = dict(instructions)["CMD"]
    assert '"streamlit", "run", "serve.py"' in command  # the guarded app (serve.SiteGuard), not app.py
    assert "--server.address=0.0.0.0" in command
    health = dict(instructions)["HEALTHCHECK"]
    assert "http://localhost:8501/_stcore/health" in health
    assert "8501" in dict(instructions)["EXPOSE"]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "data"} <= set(ignored)  # no history, secrets or local database inside


def test_compose_runs_two_replicas_sharing_the_cookie_secret_on_the_db_service():
    compose = _compose()
    services = compose["services"]
    app, migrate, db = services["app"], services["migrate"], services["db"]
    assert app["deploy"]["replicas"] >= 2
    assert app["environment"] == migrate["environment"]  # one anchor: one secret and one database for all
    env = app["environment"]
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"].startswith("${STREAMLIT_SERVER_COOKIE_SECRET:?")
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    # the name people type from .env, and localhost for the image's own health check
    assert env["STREAMLIT_SERVER_ALLOWED_HOSTS"].startswith("${JOURNEY_HOST:?")
    assert env["STREAMLIT_SERVER_ALLOWED_HOSTS"].split()[-1] == "localhost"
    assert "ports" not in app  # reached only through the proxy
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert "healthcheck" in db


def test_compose_migrates_once_before_the_replicas_start():
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["python", "-m", "journey", "init"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["image"] == services["app"]["image"]


def test_the_proxy_keeps_each_browser_on_one_replica_of_the_app_service():
    proxy = _compose()["services"]["proxy"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in proxy["volumes"]}
    caddyfile = (ROOT / mounts["/etc/caddy/Caddyfile"]).read_text()
    assert "lb_policy cookie" in caddyfile  # sticky: Streamlit's session lives in one replica
    assert "dynamic a {" in caddyfile
    assert "name app" in caddyfile
    assert "port 8501" in caddyfile
    assert "{$JOURNEY_HOST}" in caddyfile
    assert "{$LB_COOKIE_SECRET}" in caddyfile
    assert set(proxy["environment"]) == {"JOURNEY_HOST", "LB_COOKIE_SECRET"}
    assert {"80:80", "443:443"} <= set(proxy["ports"])


def test_every_setting_compose_requires_is_in_the_env_example_and_the_env_file_is_ignored():
    import re

    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))
    assert required == {
        "POSTGRES_PASSWORD",
        "STREAMLIT_SERVER_COOKIE_SECRET",
        "JOURNEY_HOST",
        "LB_COOKIE_SECRET",
    }
    assert required <= listed
    assert not re.search(
        r"^(POSTGRES_PASSWORD|\w*SECRET)=\S", example, flags=re.MULTILINE
    )  # no secret shipped
    assert ".env" in (ROOT / ".gitignore").read_text().split()

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

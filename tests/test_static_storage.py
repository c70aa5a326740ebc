"""config.storage: the manifest's static URLs, each worked out once per process."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from config.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0a1b2c3d.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_the_hashed_url_is_the_manifests_and_is_kept(storage):
    assert storage.url("css/site.css") == "/static/css/site.0a1b2c3d.css"
    assert storage._urls == {"css/site.css": "/static/css/site.0a1b2c3d.css"}
    assert storage.url("css/site.css") == "/static/css/site.0a1b2c3d.css"


def test_a_name_missing_from_the_manifest_still_raises_and_is_not_kept(storage):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/missing.css")
    assert "css/missing.css" not in storage._urls


@override_settings(DEBUG=True)
def test_debug_serves_the_plain_name_and_keeps_nothing(storage):
    assert storage.url("css/site.css") == "/static/css/site.css"
    assert storage._urls == {}


def test_force_goes_to_the_manifest_every_time(storage):
    assert storage.url("css/site.css", force=True) == "/static/css/site.0a1b2c3d.css"
    assert storage._urls == {}

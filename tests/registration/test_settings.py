"""The register's settings: production needs the home country; dates must be ISO dates."""
import base64
import os

import pytest

import config as config_module
from ovote import create_app


def production(tmp_path, **settings):
    class Production(config_module.ProductionConfig):
        SECRET_KEY = "s" * 48
        DATA_KEYS = base64.urlsafe_b64encode(os.urandom(32)).decode()
        INDEX_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite3'}"
        SERVER_NAME = "vote.example.org"

    for key, value in settings.items():
        setattr(Production, key, value)
    return Production


@pytest.mark.parametrize("home", [None, "", "XX", "PRT"])
def test_production_refuses_to_start_without_a_real_home_country(tmp_path, home):
    with pytest.raises(config_module.ConfigError, match="OVOTE_HOME_COUNTRY must be the ISO 3166-1"):
        create_app(production(tmp_path, HOME_COUNTRY=home))


def test_production_starts_with_a_home_country(tmp_path):
    assert create_app(production(tmp_path, HOME_COUNTRY="pt")).config["HOME_COUNTRY"] == "pt"


def test_dates_are_read_as_iso_dates(monkeypatch):
    monkeypatch.setenv("OVOTE_REFERENCE_DATE", "2027-05-02")
    assert config_module._env_date("OVOTE_REFERENCE_DATE").isoformat() == "2027-05-02"
    monkeypatch.setenv("OVOTE_REFERENCE_DATE", "02/05/2027")
    with pytest.raises(config_module.ConfigError, match="OVOTE_REFERENCE_DATE must be a date written YYYY-MM-DD"):
        config_module._env_date("OVOTE_REFERENCE_DATE")
    monkeypatch.delenv("OVOTE_REFERENCE_DATE")
    assert config_module._env_date("OVOTE_REFERENCE_DATE") is None

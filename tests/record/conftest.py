"""Record fixtures: one real election and record per test session (unit
key generation and ballot encryption are slow); tests copy it before
changing anything."""

import pytest

from tests.record.factory import test_election, test_record


@pytest.fixture(scope="session")
def election():
    return test_election()


@pytest.fixture(scope="session")
def base_record(election):
    return test_record(election)


@pytest.fixture
def record(base_record):
    """A private copy of the record, to change."""
    return base_record.copy()


@pytest.fixture(scope="session")
def record_dir(base_record, tmp_path_factory):
    """The untouched record written once as a folder (never change it)."""
    return base_record.write(tmp_path_factory.mktemp("record") / "overseas-2026")

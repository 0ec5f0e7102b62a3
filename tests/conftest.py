"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def default_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder in which the default model has been provisioned (a real conversion, once per session)."""
    from assistant.embedding.provision import provision_default_model

    models_dir = tmp_path_factory.mktemp("models")
    provision_default_model(models_dir)
    return models_dir

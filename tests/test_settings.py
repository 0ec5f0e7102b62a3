"""Settings: defaults, ASSISTANT_* environment variables, and clear errors for values that cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import DEFAULT_MODEL, Settings, SettingsError


def test_defaults_bind_locally_and_use_the_offline_model():
    settings = Settings.from_env({})
    assert settings.ui_host == "127.0.0.1" and settings.ui_port == 7860 and not settings.ui_share
    assert settings.model == DEFAULT_MODEL and settings.retrieval_mode == "hybrid"


def test_environment_variables_are_parsed_by_type():
    settings = Settings.from_env(
        {"ASSISTANT_TOP_K": "3", "ASSISTANT_UI_SHARE": "yes", "ASSISTANT_INDEX_DIR": "/tmp/x", "ASSISTANT_MODEL": "BAAI/bge-m3"}
    )
    assert settings.top_k == 3 and settings.ui_share is True
    assert settings.index_dir == Path("/tmp/x") and settings.model == "BAAI/bge-m3"


def test_explicit_overrides_win_over_the_environment():
    assert Settings.from_env({"ASSISTANT_TOP_K": "3"}, top_k=7).top_k == 7


@pytest.mark.parametrize(
    "environ",
    [
        {"ASSISTANT_RETRIEVAL_MODE": "magic"},
        {"ASSISTANT_TOP_K": "many"},
        {"ASSISTANT_CHUNK_SIZE": "5"},
        {"ASSISTANT_UI_SHARE": "perhaps"},
        {"ASSISTANT_UI_USERNAME": "staff"},
        {"ASSISTANT_EMBEDDING_BACKEND": "tensorflow"},
        {"ASSISTANT_QUERY_THREADS": "-1"},
        {"ASSISTANT_INDEX_THREADS": "two"},
        {"ASSISTANT_EMBED_BATCH_SIZE": "0"},
    ],
)
def test_values_that_cannot_work_are_refused_with_the_variable_named(environ):
    with pytest.raises(SettingsError) as error:
        Settings.from_env(environ)
    assert str(error.value)


def test_embedding_settings_reach_the_model(tmp_path):
    settings = Settings.from_env(
        {"ASSISTANT_EMBEDDING_BACKEND": "sentence-transformers", "ASSISTANT_QUERY_THREADS": "2",
         "ASSISTANT_INDEX_THREADS": "1", "ASSISTANT_EMBED_BATCH_SIZE": "8"},
        cache_dir=tmp_path,
    )
    model = settings.embedding_model()
    assert (model.backend, model.query_threads, model.index_threads, model.batch_size) == ("sentence-transformers", 2, 1, 8)
    assert model.models_dir == tmp_path / "models" and not (tmp_path / "models").exists()  # nothing loaded yet
    defaults = Settings.from_env({})
    assert (defaults.embedding_backend, defaults.query_threads, defaults.index_threads) == ("auto", 2, 0)

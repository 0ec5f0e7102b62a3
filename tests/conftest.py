"""Fixtures shared by every test package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from regional_corpus import NEWDOCS, PROJECT_ROOT, REGIONAL_REPORTS


@pytest.fixture(scope="session")
def default_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder in which the default model has been provisioned (a real conversion, once per session)."""
    from assistant.embedding.provision import provision_default_model

    models_dir = tmp_path_factory.mktemp("models")
    provision_default_model(models_dir)
    return models_dir


@pytest.fixture(scope="session")
def exported_model():
    """The default model in the real model cache, provisioned and exported to ONNX (once; an existing export
    is reused), as the assistant uses it."""
    from assistant.settings import Settings

    model = Settings().embedding_model()
    model.provision()
    assert model.onnx_export() is not None, model.backend_note
    return model


# ----------------------------------------------------------------------------------------------------
# The real corpus, real settings with a temporary index folder, and one real Assistant for the session.


@pytest.fixture(scope="session")
def assistant_settings(tmp_path_factory: pytest.TempPathFactory):
    """Default settings, except that the index lives in a temporary folder (the repo's index/ is not
    touched). The real cache folder is kept, so the model is provisioned once and embeddings are cached."""
    from assistant.settings import Settings

    return Settings(index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def corpus_documents(assistant_settings):
    """The two real corpus documents, as loaded by the assistant."""
    from assistant.corpus import load_corpus

    return load_corpus(assistant_settings.corpus_dir)


@pytest.fixture(scope="session")
def work_report_doc(corpus_documents):
    return next(d for d in corpus_documents if d.kind == "work_report")


@pytest.fixture(scope="session")
def monthly_report_doc(corpus_documents):
    return next(d for d in corpus_documents if d.kind == "monthly_report")


@pytest.fixture(scope="session")
def corpus_chunks(assistant_settings, corpus_documents):
    """Every chunk of the real corpus under the default chunking settings, in index order."""
    from assistant.chunking import chunk_document

    s = assistant_settings
    return tuple(c for d in corpus_documents for c in chunk_document(d, s.chunk_size, s.chunk_overlap, s.chunking))


@pytest.fixture(scope="session")
def real_assistant(assistant_settings, exported_model):
    """The one real Assistant of the session (default model on ONNX Runtime, hybrid retrieval), over the
    real corpus."""
    from assistant.engine import Assistant

    return Assistant.from_settings(assistant_settings)


@pytest.fixture(scope="session")
def regional_assistant(tmp_path_factory, assistant_settings, exported_model):
    """A real Assistant over the seeds and eight plain-text reports of other provinces (skipped when
    ../shared/newdocs is not beside the project)."""
    if not all((NEWDOCS / name).is_file() for name in REGIONAL_REPORTS):
        pytest.skip("../shared/newdocs is not beside the project")
    from assistant.engine import Assistant

    corpus = tmp_path_factory.mktemp("regional-corpus")
    for path in (PROJECT_ROOT / "corpus").iterdir():
        shutil.copy(path, corpus / path.name)
    for name in REGIONAL_REPORTS:
        shutil.copy(NEWDOCS / name, corpus / name)
    settings = assistant_settings.with_overrides(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("regional-index"))
    return Assistant.from_settings(settings)

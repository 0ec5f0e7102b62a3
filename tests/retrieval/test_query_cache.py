"""Query embeddings cached by text, a question's parts embedded in one batch: with the real encoder."""

import numpy as np
import pytest

from assistant.retrieval.query_cache import CachedQueryEncoder


@pytest.fixture(scope="module")
def model(exported_model):
    return exported_model


def test_parts_embedded_together_are_those_embedded_alone_and_each_is_encoded_once(model):
    calls = []

    def encode_many(texts):
        calls.append(list(texts))
        return model.encode_queries(texts)

    encoder = CachedQueryEncoder(encode_many, size=3)
    parts = ["2024年全省地区生产总值增长多少", "2024年粮食总产是多少"]
    encoder.ahead(parts + parts[:1])
    assert calls == [parts]  # one batch, each text once
    for text in parts:
        alone = model.encode_queries([text])[0]
        assert float(np.dot(encoder(text), alone)) > 0.99999
    assert len(calls) == 1  # served from the cache
    for text in ("a", "b", "c"):
        encoder(text)
    encoder(parts[0])  # evicted by the three newer texts: encoded again
    assert calls[-1] == [parts[0]]
    encoder.clear()
    encoder(parts[1])
    assert calls[-1] == [parts[1]]
    with pytest.raises(ValueError):
        CachedQueryEncoder(encode_many, size=0)

"""Retrieval: lexical (BM25), dense (FAISS) and their fusion, as separate swappable pieces."""

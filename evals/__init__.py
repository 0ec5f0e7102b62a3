"""Evaluation of the assistant: the question set, scoring, harness and reports."""

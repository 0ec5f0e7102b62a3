"""The staff-facing web chat: a thin Gradio shell over the `assistant` library."""

"""Renderers of a Comparison: JSON contract, terminal, Markdown, self-contained HTML."""

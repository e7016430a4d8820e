"""Extraction: raw HTML bodies -> main text and page metadata (see step.py), and its evaluation."""

from lingoloom.pipelines.extract.step import Extract

__all__ = ["Extract"]

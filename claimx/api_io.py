"""Small glue between the reader and the pipeline for the CLI."""
from __future__ import annotations

from . import extract_file


def extract_path(path: str):
    return extract_file(path)

"""Shared test helpers: where the shared corpora are, and a one-call extractor."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

needs_shared = pytest.mark.skipif(not CORPUS.is_dir(),
                                  reason="../shared/corpus is not beside this checkout (CI and developers have it)")


@pytest.fixture(scope="session")
def example_text() -> str:
    return (FIXTURES / "example-article.txt").read_text(encoding="utf-8")

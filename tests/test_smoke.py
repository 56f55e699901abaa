"""The public API on the bundled example article."""
from pathlib import Path

import claimx

EXAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "example-article.txt"


def test_example_article_has_competing_claims():
    claims = claimx.extract_file(str(EXAMPLE))
    sources = {c.source.name for c in claims if c.source}
    assert {"Dario Melk", "Ivo Starek"} <= sources
    assert any(c.count.qualifier == "vague" and c.hedged for c in claims)

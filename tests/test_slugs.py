"""Slugs (the last part of an entity's IRI): lower-case ASCII words joined by hyphens."""

from __future__ import annotations

import pytest

from alliance_kg.loaders.gazetteer import slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("People's Republic of China", "peoples-republic-of-china"),
        ("People’s Republic of China", "peoples-republic-of-china"),
        ("Côte d’Ivoire", "cote-divoire"),
        ("  --Task_Force 76 (TF-76)  ", "task-force-76-tf-76"),
        ("ſt. KELVIN \u212a İstanbul", "st-kelvin-k-istanbul"),  # compatibility forms
        ("", ""),
    ],
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug

"""The query page of ``akg serve`` (``/query``): a form to run the cookbook's queries, with
their parameters, or one's own SPARQL, and a table of the results. Written here, one HTML file
with its script inline; nothing is loaded from the network."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

from alliance_kg.graph.render_template import json_for_script
from alliance_kg.queries.cookbook import cookbook


@cache
def query_page() -> str:
    """The page's HTML, with every cookbook query (name, description, parameters, text)."""
    entries: list[dict[str, Any]] = [
        {
            "name": entry.name,
            "description": entry.description,
            "text": entry.text,
            "params": [
                {
                    "name": p.name,
                    "help": p.help,
                    "optional": p.optional or p.default is not None,
                    "default": p.default or "",
                }
                for p in entry.params
            ],
        }
        for entry in cookbook().values()
    ]
    options = "".join(
        f'<option value="{escape(e["name"])}">{escape(e["name"])}</option>' for e in entries
    )
    template = files("alliance_kg.queries").joinpath("templates/query.html").read_text("utf-8")
    return template.replace("<!--OPTIONS-->", options).replace(
        "/*COOKBOOK*/null", json_for_script(entries)
    )

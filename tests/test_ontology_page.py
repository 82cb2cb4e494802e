"""The ontology's documentation page (``akg ontology``), made from akg.ttl."""

from __future__ import annotations

import re
from pathlib import Path

from clirunner import akg
from rdflib import OWL, RDF, SKOS, Literal, URIRef

from alliance_kg.ontology import AKG, load_ontology
from alliance_kg.ontology.page import ontology_html


def test_every_term_of_the_ontology_has_its_section() -> None:
    graph = load_ontology()
    terms = {
        str(s).removeprefix(str(AKG))
        for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept)
        for s in graph.subjects(RDF.type, cls)
        if str(s).startswith(str(AKG))
    }
    page = ontology_html(graph)
    assert set(re.findall(r'<section class="term" id="([^"]+)">', page)) == terms
    assert len(terms) > 60
    assert "<dt>Preferred prefix</dt><dd>akg</dd>" in page
    assert '<a href="https://www.apache.org/licenses/LICENSE-2.0">' in page
    commitment = page[page.index('id="Commitment"') :]
    commitment = commitment[: commitment.index("</section>")]
    assert '<dt>Subclass of</dt><dd><a href="http://www.w3.org/ns/prov#Entity">' in commitment
    assert '<a href="#madeBy"><code>akg:madeBy</code></a>' in commitment
    # Nothing to load: no scripts, stylesheets or images from anywhere.
    assert not any(tag in page for tag in ("<script", "<link", " src="))
    assert page == ontology_html(graph)


def test_labels_are_escaped() -> None:
    graph = load_ontology()
    graph.add((AKG.Commitment, URIRef(str(AKG) + "x"), Literal("y")))
    graph.set((AKG.Commitment, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
               Literal("<script>alert(1)</script>")))  # fmt: skip
    page = ontology_html(graph)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_akg_ontology_writes_the_page_and_the_turtle(tmp_path: Path) -> None:
    out = tmp_path / "ontology.html"
    result = akg(tmp_path / "no-store", "ontology", "-o", str(out))
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\n")
    assert out.read_text(encoding="utf-8") == ontology_html()
    turtle = akg(tmp_path / "no-store", "ontology", "--format", "turtle")
    assert len(load_ontology()) == len(load_ontology().parse(data=turtle.output, format="turtle"))

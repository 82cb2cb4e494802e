"""Document readers: text/Markdown, HTML and PDF, metadata precedence, collection and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance_kg.errors import InputError
from alliance_kg.loaders.readers import (
    READERS,
    SUFFIXES,
    collect_paths,
    detect_kind,
    document_key,
    read_document,
    sample_corpus_dir,
)
from alliance_kg.loaders.readers.metadata import infer_title

DATA = Path(__file__).parent / "data" / "readers"
SAMPLE_KEYS = [
    "000_45bebea0770f1da9",
    "001_cb6815964ed6d868",
    "002_1fde0741a9a93315",
    "003_08693ad3b646b5d1",
    "004_e85f492dbc556822",
]


def make_pdf(pages: list[list[str]], info: dict[str, str] | None = None) -> bytes:
    """A minimal PDF: one Helvetica text line per entry, top to bottom, on each page."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        3: b"<< /Type /Catalog /Pages 2 0 R >>",
    }
    kids: list[int] = []
    number = 4
    for lines in pages:
        ops = [f"BT /F1 11 Tf 72 {760 - 16 * i} Td ({line}) Tj ET" for i, line in enumerate(lines)]
        stream = "\n".join(ops).encode("latin-1")
        objects[number] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objects[number + 1] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 1 0 R >> >> /Contents %d 0 R >>" % number
        )
        kids.append(number + 1)
        number += 2
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    trailer_info = b""
    if info:
        entries = b" ".join(
            b"/%s (%s)" % (k.encode(), v.encode("latin-1")) for k, v in info.items()
        )
        objects[number] = b"<< " + entries + b" >>"
        trailer_info = b" /Info %d 0 R" % number
    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objects[n])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for n in sorted(objects):
        out += b"%010d 00000 n \n" % offsets[n]
    out += b"trailer\n<< /Size %d /Root 3 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_info,
        xref,
    )
    return bytes(out)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_document(path)
    return str(info.value)


# --- registry ------------------------------------------------------------------------------


def test_registry_kinds_and_suffixes() -> None:
    assert sorted(READERS) == ["html", "pdf", "text"]
    assert SUFFIXES == {
        ".txt": "text",
        ".text": "text",
        ".md": "text",
        ".markdown": "text",
        ".html": "html",
        ".htm": "html",
        ".xhtml": "html",
        ".pdf": "pdf",
    }


def test_detect_kind_by_suffix_and_content(tmp_path: Path) -> None:
    assert detect_kind(Path("a.MD"), b"") == "text"
    assert detect_kind(Path("a.htm"), b"%PDF-1.4") == "html"  # the suffix decides
    assert detect_kind(Path("download"), b"%PDF-1.7\n") == "pdf"
    assert detect_kind(Path("page.php"), b"\xef\xbb\xbf\n  <!DOCTYPE HTML>\n<html>") == "html"
    assert detect_kind(Path("page.asp"), b"<!-- x --><html lang=en>") == "html"
    assert detect_kind(Path("notes"), b"Plain words.") == "text"
    assert detect_kind(Path("data.json"), b"{}") is None
    assert detect_kind(Path("x.xml"), b"<htmlish/>") is None
    sniffed = write(tmp_path / "statement", "<html><body><p>Text.</p></body></html>")
    assert detect_kind(sniffed) == "html"


def test_document_key() -> None:
    assert document_key(Path("corpus/000_45bebea0770f1da9.txt")) == "000_45bebea0770f1da9"
    assert document_key(Path("Joint Statement (2023).MD")) == "joint-statement-2023"
    assert document_key(Path("Déclaration_conjointe.html")) == "declaration_conjointe"
    assert document_key(Path("report.v2.pdf")) == "report-v2"
    assert document_key(Path("README")) == "readme"
    assert document_key(Path("日本.txt")) == "doc-cf2abf0c5be3"  # sha256 of the name


# --- the sample corpus ---------------------------------------------------------------------


def test_sample_corpus_reads_verbatim_with_sidecar_metadata() -> None:
    folder = sample_corpus_dir()
    assert folder == Path(__file__).parent.parent / "alliance_kg" / "sample_corpus"
    paths = collect_paths([folder])
    assert [p.name for p in paths] == [f"{k}.txt" for k in SAMPLE_KEYS]
    docs = [read_document(p) for p in paths]
    for path, doc in zip(paths, docs, strict=True):
        assert doc.text == path.read_bytes().decode("utf-8")
        assert (doc.key, doc.kind, doc.path) == (path.stem, "text", str(path))
        assert doc.source_url is None
    assert [(d.publisher, d.date) for d in docs] == [
        ("U.S. Department of State", None),
        ("U.S. Department of Defense", None),
        ("Ministry of Foreign Affairs of Japan", "2024-07-28"),
        ("THX News", None),
        ("IRIA - International Relations Insights & Analysis", None),
    ]
    assert [d.title for d in docs] == [
        "Joint Statement of the Security Consultative Committee (“2+2”)",
        "Fact Sheet: Joint Statement of the Security Consultative Committee (“2+2”)",
        "Japan-U.S. Security Consultative Committee (Japan-U.S. “2+2”)",
        None,
        "US, Japan agree to strengthen joint defense capabilities",
    ]


# --- text and Markdown ---------------------------------------------------------------------


def test_text_newlines_and_bom_normalised_otherwise_verbatim(tmp_path: Path) -> None:
    path = write(
        tmp_path / "Statement.txt",
        b"\xef\xbb\xbf  Joint Statement\r\n\r\nThey met.  Twice.\rThey agreed:\n\t- to act\n\n\n",
    )
    doc = read_document(path)
    assert doc.text == "  Joint Statement\n\nThey met.  Twice.\nThey agreed:\n\t- to act\n\n\n"
    assert (doc.key, doc.kind, doc.title, doc.date, doc.publisher) == (
        "statement",
        "text",
        "Joint Statement",
        None,
        None,
    )


def test_markdown_front_matter_removed_and_read() -> None:
    doc = read_document(DATA / "statement.md")
    assert (
        doc.text
        == "## Overview\n\nThe Ministers met in Tokyo.\n\n- They reaffirmed the Alliance.\n"
    )
    assert doc.kind == "text"
    assert doc.title == "Joint Statement: Tokyo Meeting"
    assert doc.publisher == "Ministry of Foreign Affairs of Japan"
    assert doc.source_url == "https://example.org/statements/2024-07-28.html"
    assert doc.date == "2024-07-28"


def test_markdown_without_front_matter_keeps_markup(tmp_path: Path) -> None:
    text = "# Joint Statement #\n\n---\n\n## 1. Overview\n\n* item one\n* item two\n"
    doc = read_document(write(tmp_path / "s.markdown", text))
    assert doc.text == text
    assert doc.title == "Joint Statement"


def test_rules_that_are_not_front_matter_stay(tmp_path: Path) -> None:
    unclosed = "---\nThe Ministers met.\n"
    assert read_document(write(tmp_path / "s.md", unclosed)).text == unclosed
    between_rules = "---\nThe Ministers met: twice.\n\n- a\n---\nMore.\n"
    doc = read_document(write(tmp_path / "r.txt", between_rules))
    assert (doc.text, doc.title) == (between_rules, None)


def test_infer_title() -> None:
    assert infer_title("\n\nJuly 28, 2024\n\n## Japan-U.S. “2+2”\n\nText.") == "Japan-U.S. “2+2”"
    assert infer_title("47\nTuesday, January 11, 2023\n2023-01-11\nFACT SHEET\n") == "FACT SHEET"
    assert infer_title("On January 11, officials met.\nA Heading\n") is None
    assert infer_title("Agreed to:\n") is None
    assert infer_title("x" * 151) is None
    assert infer_title("  \n") is None
    assert infer_title("## Overview  \n") == "Overview"


# --- metadata precedence -------------------------------------------------------------------


def test_sidecar_wins_over_front_matter_and_inferred(tmp_path: Path) -> None:
    doc_path = write(
        tmp_path / "s.md",
        "---\ntitle: From Front Matter\npublisher: FM Publisher\ndate: 2020-01-01\n---\n"
        "# Inferred Title\n\nBody.\n",
    )
    assert read_document(doc_path).title == "From Front Matter"
    write(tmp_path / "s.meta.json", json.dumps({"title": "Stem Sidecar", "date": "2023"}))
    doc = read_document(doc_path)
    assert (doc.title, doc.publisher, doc.date) == ("Stem Sidecar", "FM Publisher", "2023")
    # NAME.EXT.meta.json is more specific than NAME.meta.json, and wins.
    write(
        tmp_path / "s.md.meta.json",
        json.dumps({"title": "  Full  Name\nSidecar ", "source": "https://example.org/s"}),
    )
    doc = read_document(doc_path)
    assert (doc.title, doc.publisher, doc.date, doc.source_url) == (
        "Full Name Sidecar",
        "FM Publisher",
        "2020-01-01",
        "https://example.org/s",
    )


def test_sidecar_key_aliases_and_date_forms(tmp_path: Path) -> None:
    doc_path = write(tmp_path / "s.txt", "Body text.\n")
    write(
        tmp_path / "s.txt.meta.json",
        json.dumps(
            {
                "url": "https://example.org/url",
                "source_url": "https://example.org/source_url",
                "date": "2023-01-11T10:00:00Z",
                "publisher": None,
                "title": "",
            }
        ),
    )
    doc = read_document(doc_path)
    assert (doc.source_url, doc.date, doc.publisher, doc.title) == (
        "https://example.org/source_url",
        "2023-01-11",
        None,
        None,
    )


# --- HTML ----------------------------------------------------------------------------------

ARTICLE_TEXT = """\
Allies Meet in Tokyo

By A. Reporter, July 29, 2024

The Ministers met in Tokyo on July 28, 2024. They reaffirmed the Alliance.

Commitments

The Ministers agreed to:

- deepen cooperation on maritime security;
- expand joint exercises
  - in the East China Sea

First line
second line
"""


def test_html_main_text_without_furniture() -> None:
    doc = read_document(DATA / "article.html")
    assert doc.text == ARTICLE_TEXT
    assert (doc.key, doc.kind) == ("article", "html")
    assert doc.title == "Allies Meet in Tokyo"
    assert doc.publisher == "Example Wire"
    assert doc.source_url == "https://news.example.org/2024/allies-meet"
    assert doc.date == "2024-07-28"
    raw = (DATA / "article.html").read_text(encoding="utf-8")
    for furniture in (
        "Home",  # nav
        "Asia",  # breadcrumbs
        "cookies",  # cookie banner
        "Share this",  # share bar
        "Liverpool",  # figcaption
        "editor's note",  # HTML comment
        "pull quote",  # aside
        "Great article",  # comment section
        "Another story",  # related articles
        "newsletter",  # subscribe box
        "Copyright",  # footer
        "tracking",  # script
        "color",  # style
    ):
        assert furniture in raw
        assert furniture not in doc.text


def test_html_metadata_fallbacks_and_body_without_article(tmp_path: Path) -> None:
    page = (
        "<html><head><title> Page  Title </title>"
        '<link rel="canonical" href="/relative/only"></head>'
        '<body><div role="navigation">Menu</div><h1>Heading One</h1>'
        "<p>Para <i>one</i>.</p><div>Block<div>Nested block</div>tail</div>"
        "<table><tr><th>Year</th><td>2025</td></tr></table><pre>  keep\n   spacing</pre>"
        '<p><time datetime="2021-12-11">11 Dec</time> dated.</p></body></html>'
    )
    doc = read_document(write(tmp_path / "page.htm", page))
    assert doc.text == (
        "Heading One\n\nPara one.\n\nBlock\n\nNested block\n\ntail\n\nYear 2025\n\n"
        "  keep\n   spacing\n\n11 Dec dated.\n"
    )
    assert (doc.title, doc.source_url, doc.date, doc.publisher) == (
        "Page Title",
        None,
        "2021-12-11",
        None,
    )


def test_html_prefers_main_and_title_from_h1(tmp_path: Path) -> None:
    page = (
        '<body><div class="menu-wrapper">Menu</div><div role="main"><h1>The H1</h1>'
        '<div class="ShareBar">Tweet</div><p id="siteNav">Links</p><p class="lead">Lead.</p>'
        '<div id="comment_form">Reply</div><p aria-hidden="true">Icon</p>'
        "<ol><li>first</li><li>second</li></ol></div><p>Outside.</p></body>"
    )
    doc = read_document(write(tmp_path / "p.html", page))
    assert doc.text == "The H1\n\nLead.\n\n- first\n- second\n"
    assert doc.title == "The H1"


def test_html_sidecar_wins_over_head(tmp_path: Path) -> None:
    path = write(tmp_path / "p.html", "<title>Head</title><p>Text.</p>")
    write(tmp_path / "p.meta.json", json.dumps({"title": "Sidecar"}))
    assert read_document(path).title == "Sidecar"


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_pages_joined_running_lines_removed(tmp_path: Path) -> None:
    pages = [
        ["Alliance Review", "Joint Statement", "The Ministers met in Tokyo and", "Page 1 of 3"],
        ["Alliance Review", "agreed to cooperate.", "They welcomed progress.", "Page 2 of 3"],
        ["Alliance Review", "Alliance Review is kept mid-page", "Done.", "3"],
    ]
    path = write(
        tmp_path / "Report.pdf",
        make_pdf(pages, {"Title": "Report on the 2+2", "CreationDate": "D:20230111120000Z"}),
    )
    doc = read_document(path)
    assert doc.text == (
        "Joint Statement\nThe Ministers met in Tokyo and\n\n"
        "agreed to cooperate.\nThey welcomed progress.\n\n"
        "Alliance Review is kept mid-page\nDone.\n"
    )
    assert (doc.key, doc.kind, doc.title, doc.date) == (
        "report",
        "pdf",
        "Report on the 2+2",
        "2023-01-11",
    )


def test_pdf_two_pages_without_metadata_infers_title(tmp_path: Path) -> None:
    path = write(
        tmp_path / "statement.pdf",
        make_pdf([["Fact Sheet", "They met and"], ["agreed.", "- 2 -"]], {"Title": "doc1.docx"}),
    )
    doc = read_document(path)
    assert doc.text == "Fact Sheet\nThey met and\n\nagreed.\n"
    assert (doc.title, doc.date) == ("Fact Sheet", None)


def test_pdf_sniffed_without_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "download", make_pdf([["Hello there."]]))
    assert [p.name for p in collect_paths([path])] == ["download"]
    assert read_document(path).kind == "pdf"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.pdf", make_pdf([[], []]))
    assert error_of(path) == (
        f"{path}: PDF has no text layer (a scanned image?); run OCR on it first"
    )


def test_pdf_that_fails_to_parse(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.pdf", b"%PDF-1.4\nnot really a pdf\n")
    assert error_of(path).startswith(f"{path}: cannot parse PDF: ")


# --- errors --------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as info:
        collect_paths([missing])
    assert str(info.value) == f"{missing}: no such file or directory"
    assert error_of(missing) == f"{missing}: no such file or directory"


def test_directory_is_not_a_document(tmp_path: Path) -> None:
    assert error_of(tmp_path) == f"{tmp_path}: is a directory, not a document"


def test_explicit_unsupported_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "data.json", '{"a": 1}')
    expected = (
        f"{path}: unsupported kind of document "
        "(supported suffixes: .htm, .html, .markdown, .md, .pdf, .text, .txt, .xhtml)"
    )
    with pytest.raises(InputError) as info:
        collect_paths([path])
    assert str(info.value) == expected
    assert error_of(path) == expected


def test_not_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "Tokyo café meeting".encode("latin-1"))
    assert error_of(path) == f"{path}: not UTF-8 text (invalid byte 0xe9 at offset 9)"
    html = write(tmp_path / "latin1.html", b"<p>\xff</p>")
    assert error_of(html) == f"{html}: not UTF-8 text (invalid byte 0xff at offset 3)"


def test_binary_content(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert error_of(path) == f"{path}: binary content (NUL byte at offset 8), not a text document"
    controls = write(tmp_path / "controls.html", b"\x01\x02\x03\x04abc")
    assert error_of(controls) == (
        f"{controls}: binary content (4 control characters), not a text document"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("blank.md", b" \r\n\t\n\xef\xbb\xbf"),
        ("bom.txt", b"\xef\xbb\xbf"),
        ("only-front-matter.md", b"---\ntitle: T\n---\n\n"),
        ("furniture.html", b"<html><body><nav>Home</nav><footer>(c)</footer></body></html>"),
    ],
)
def test_empty_document(tmp_path: Path, name: str, content: bytes) -> None:
    path = write(tmp_path / name, content)
    assert error_of(path) == f"{path}: document is empty"


def test_malformed_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "s.md", "---\ntitle: ok\ndate: [2024\n---\nBody.\n")
    assert error_of(path) == (
        f"{path}: malformed front matter: expected ',' or ']', but got '<stream end>' (line 4)"
    )
    bad_key = write(tmp_path / "k.md", "---\ntitle: a: b\n---\nBody.\n")
    assert error_of(bad_key) == (
        f"{bad_key}: malformed front matter: mapping values are not allowed here (line 2)"
    )
    bad_date = write(tmp_path / "d.md", "---\ndate: 11 January 2024\n---\nBody.\n")
    assert error_of(bad_date) == (
        f"{bad_date} (front matter): 'date' is not an ISO date (YYYY-MM-DD or YYYY): "
        "'11 January 2024'"
    )


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        (
            '{"title": "x",}',
            "malformed metadata sidecar: Expecting property name enclosed in "
            "double quotes (line 1, column 15)",
        ),
        ('["title"]', "metadata sidecar must be a JSON object"),
        (
            '{"tittle": "x"}',
            "unknown key 'tittle' (expected one of: date, meeting_date, meeting_place, "
            "publisher, source, source_url, title, url)",
        ),
        ('{"title": 12}', None),
        ('{"title": ["a"]}', "'title' must be a string, not list"),
        ('{"date": "2023-02-30"}', "'date' is not an ISO date (YYYY-MM-DD or YYYY): '2023-02-30'"),
        ('{"url": "www.example.org/x"}', "'url' is not an absolute URL: 'www.example.org/x'"),
    ],
)
def test_malformed_sidecar(tmp_path: Path, sidecar: str, message: str | None) -> None:
    path = write(tmp_path / "s.txt", "Body.\n")
    meta = write(tmp_path / "s.meta.json", sidecar)
    if message is None:  # a number is taken as its text
        assert read_document(path).title == "12"
        return
    assert error_of(path) == f"{meta}: {message}"


def test_sidecar_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "s.txt", "Body.\n")
    meta = write(tmp_path / "s.txt.meta.json", b'{"title": "caf\xe9"}')
    assert error_of(path) == f"{meta}: not UTF-8 text (invalid byte 0xe9 at offset 14)"


# --- collecting paths ----------------------------------------------------------------------


def test_collect_paths_order_and_filtering(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in [
        "b.txt",
        "a.md",
        "Z.pdf",
        "a.meta.json",
        "b.txt.meta.json",
        "notes.json",
        "image.png",
        "no_suffix",
        ".hidden.txt",
        "README.md",
        "sub/c.html",
        "sub/a.HTM",
        "sub/deeper/d.text",
        ".git/x.txt",
        "sub/.cache/y.txt",
        "sub-sibling.xhtml",
    ]:
        write(root / name, "x")
    assert [p.relative_to(root).as_posix() for p in collect_paths([root])] == [
        "Z.pdf",
        "a.md",
        "b.txt",
        "sub/a.HTM",
        "sub/c.html",
        "sub/deeper/d.text",
        "sub-sibling.xhtml",
    ]
    # Arguments keep their order; a file reached twice is listed once; explicit files are
    # taken even where a folder walk would skip them.
    listed = collect_paths([root / "sub", str(root / "b.txt"), root, root / "README.md"])
    assert [p.relative_to(root).as_posix() for p in listed] == [
        "sub/a.HTM",
        "sub/c.html",
        "sub/deeper/d.text",
        "b.txt",
        "Z.pdf",
        "a.md",
        "sub-sibling.xhtml",
        "README.md",
    ]
    assert collect_paths([root / "no_suffix"]) == [root / "no_suffix"]
    assert collect_paths([tmp_path / "corpus" / "sub" / "deeper"]) == [root / "sub/deeper/d.text"]
    assert collect_paths([]) == []


def test_a_file_reached_through_links_is_listed_once(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    outside = tmp_path / "elsewhere"
    write(root / "a.txt", "x")
    write(root / "sub" / "c.txt", "x")
    write(outside / "b.txt", "x")
    (root / "z-link.txt").symlink_to(root / "a.txt")  # the same file again, later in the walk
    (root / "b-link.txt").symlink_to(outside / "b.txt")  # a file outside the folder
    (root / "linked-sub").symlink_to(root / "sub", target_is_directory=True)  # not entered
    (tmp_path / "corpus-link").symlink_to(root, target_is_directory=True)
    listed = collect_paths([root, outside, tmp_path / "corpus-link", root / "sub" / "c.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in listed] == [
        "corpus/a.txt",
        "corpus/b-link.txt",
        "corpus/sub/c.txt",
    ]


def test_a_folder_lists_the_files_whose_last_suffix_is_a_document_s(tmp_path: Path) -> None:
    """Only the last suffix counts, in any case; a name ending in a dot or starting with one
    (hidden) is not listed."""
    names = ["a.md", "B.TXT", "c.tar.md", "d.md.bak", "e.", "f..html", ".g.md", "h", "i.Pdf"]
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.name for p in collect_paths([tmp_path])]
    assert found == ["B.TXT", "a.md", "c.tar.md", "f..html", "i.Pdf"]

"""The extraction lexicon as data: the package's TOML files and a user's own additions."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_kg.errors import LexiconError
from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities import recognize
from alliance_kg.loaders.extract import extract
from alliance_kg.loaders.model import SourceDocument

# A made-up head word and a made-up commitment verb: neither is in the package lexicon.
USER_LEXICON = """
[entities.heads]
Unit = ["Detachment"]

[commitments.predicates]
Pledge = ["vouched to"]
"""
UNIT_TEXT = "Australia will host the Northern Rotational Detachment in Darwin."
PLEDGE_TEXT = (
    "Japanese and Australian ministers met in Tokyo on March 3, 2024. "
    "Japan and Australia vouched to deepen cooperation on maritime security."
)


@pytest.fixture(autouse=True)
def _package_lexicon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts and ends with the package's lexicon alone."""
    monkeypatch.delenv(lexicon.ENV_VAR, raising=False)
    lexicon.use(None)
    yield
    monkeypatch.delenv(lexicon.ENV_VAR, raising=False)
    lexicon.use(None)


def _user_file(tmp_path: Path, text: str = USER_LEXICON) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _units(text: str) -> dict[str, tuple[str, str]]:
    entities, _ = recognize(text)
    return {k: (e.type, e.label) for k, e in entities.items() if e.type == "Unit"}


def _commitments(text: str) -> list[tuple[str, list[str], list[str]]]:
    doc = SourceDocument(key="lexicon-test", path="lexicon-test.txt", kind="txt", text=text)
    return [(c.sentence.text, c.types, c.parties) for c in extract(doc).commitments]


def test_a_user_head_word_makes_a_new_entity_type(tmp_path: Path) -> None:
    assert _units(UNIT_TEXT) == {}
    lexicon.use([_user_file(tmp_path)])
    assert _units(UNIT_TEXT) == {
        "unit/northern-rotational-detachment": ("Unit", "Northern Rotational Detachment")
    }
    lexicon.use([])
    assert _units(UNIT_TEXT) == {}


def test_a_user_verb_makes_a_commitment_of_its_type(tmp_path: Path) -> None:
    sentence = "Japan and Australia vouched to deepen cooperation on maritime security."
    assert _commitments(PLEDGE_TEXT) == []
    lexicon.use([_user_file(tmp_path)])
    assert _commitments(PLEDGE_TEXT) == [(sentence, ["Pledge"], ["state/australia", "state/japan"])]


def test_the_environment_variable_names_user_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[commitments]\ncollective_subjects = ["the delegates"]\n', "utf-8")
    monkeypatch.setenv(lexicon.ENV_VAR, os.pathsep.join([str(_user_file(tmp_path)), str(other)]))
    lexicon.use(None)
    assert lexicon.user_paths() == [tmp_path / "mine.toml", other]
    assert "Detachment" in lexicon.table("entities", "heads")["Unit"]
    assert lexicon.words("commitments", "collective_subjects")[-1] == "the delegates"
    # The package's words are still there, in their order.
    assert lexicon.table("commitments", "predicates")["Pledge"][0] == "resolv(?:ed|es)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[entities.heads]\nUnit = ["Detachment"\n', "not valid TOML: "),
        ('[entities.heads]\nWeapon = ["Gun"]\n', "unknown key 'Weapon' in [entities.heads]"),
        ('[entity.heads]\nUnit = ["Detachment"]\n', "unknown table [entity]"),
        ('[entities]\nstop_words = "Meanwhile"\n', "entities.stop_words must be a list"),
    ],
)
def test_a_malformed_user_lexicon_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = _user_file(tmp_path, text)
    with pytest.raises(LexiconError) as caught:
        lexicon.use([path])
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_toml_error_names_the_line(tmp_path: Path) -> None:
    path = _user_file(tmp_path, "[entities.heads]\nUnit = Detachment\n")
    with pytest.raises(LexiconError, match=r"mine\.toml: not valid TOML: .*at line 2, column 8"):
        lexicon.use([path])


def test_a_missing_user_lexicon_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    lexicon.use(_user_file(tmp_path))
    with pytest.raises(LexiconError, match=r"nowhere\.toml: lexicon file not found"):
        lexicon.use([tmp_path / "nowhere.toml"])
    assert lexicon.user_paths() == [tmp_path / "mine.toml"]
    assert "Detachment" in lexicon.table("entities", "heads")["Unit"]


def test_the_cli_reports_a_bad_lexicon_without_a_traceback(tmp_path: Path) -> None:
    bad = _user_file(tmp_path, "[entities.heads\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(PLEDGE_TEXT, encoding="utf-8")
    env = {**os.environ, lexicon.ENV_VAR: str(bad)}
    cmd = [sys.executable, "-m", "alliance_kg.cli", "--store", str(tmp_path / "s"), "build"]
    run = subprocess.run([*cmd, str(corpus)], capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert f"Error: {bad}: not valid TOML" in run.stderr
    assert "Traceback" not in run.stderr


def test_akg_build_reads_the_environment_variable(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(UNIT_TEXT, encoding="utf-8")
    store = str(tmp_path / "s")
    query = "SELECT ?l WHERE { ?u a akg:Unit ; skos:prefLabel ?l }"
    env = {**os.environ, lexicon.ENV_VAR: str(_user_file(tmp_path))}
    akg = [sys.executable, "-m", "alliance_kg.cli", "--store", store]
    for args in (["build", str(corpus)], ["query", "--format", "csv", query]):
        run = subprocess.run([*akg, *args], capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["l", "Northern Rotational Detachment"]


def test_akg_build_lexicon_option_extends_this_build_only(tmp_path: Path) -> None:
    from clirunner import akg

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(UNIT_TEXT, encoding="utf-8")
    mine = _user_file(tmp_path)
    query = "SELECT ?l WHERE { ?u a akg:Unit ; skos:prefLabel ?l }"
    with_file, without = tmp_path / "with", tmp_path / "without"
    built = akg(with_file, "build", "--lexicon", str(mine), str(corpus))
    assert built.exit_code == 0, built.output
    assert akg(with_file, "query", "--format", "csv", query).output == (
        "l\nNorthern Rotational Detachment\n"
    )
    # The option changed nothing for later builds in the same process.
    assert akg(without, "build", str(corpus)).exit_code == 0
    assert akg(without, "query", "--format", "csv", query).output == "l\n"
    assert lexicon.user_paths() == []
    missing = akg(tmp_path / "s3", "build", "--lexicon", str(tmp_path / "nope.toml"), str(corpus))
    assert missing.exit_code == 1
    assert missing.output == f"Error: {tmp_path / 'nope.toml'}: lexicon file not found\n"
    assert not (tmp_path / "s3").exists()

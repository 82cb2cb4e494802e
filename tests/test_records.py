"""The records extraction makes by the hundred (their own ``__init__``, for speed) behave as the
frozen dataclasses they are: fields by position and by name, defaults, frozen, equal, hashed,
printed, replaced and pickled alike."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from alliance_kg.loaders.entities.base import Candidate
from alliance_kg.loaders.model import Entity, Mention, Sentence
from alliance_kg.loaders.sentences import Line, Paragraph

LEAD = Sentence(0, 9, "agreed to:")
ENTITY = Entity("unit/x", "Unit", "X")
CASES: list[tuple[type, tuple[Any, ...], dict[str, Any]]] = [
    (Mention, (3, 8, "Japan", "state/japan"), {}),
    (Sentence, (10, 30, "Enhance it."), {"lead_in": LEAD}),
    (Sentence, (10, 30, "Enhance it."), {}),
    (Line, (0, 5, "item"), {"marker": "-"}),
    (Line, (0, 5, "text"), {}),
    (Paragraph, (4, 9, True), {"marker": "1."}),
    (Paragraph, (4, 9, False), {}),
    (Candidate, (1, 4, "unit/x", 2), {"alias": False, "entity": ENTITY, "bare": "unit/y"}),
    (Candidate, (1, 4, "unit/x", 2), {}),
]


@pytest.mark.parametrize(("cls", "args", "kwargs"), CASES)
def test_records_are_frozen_dataclasses(
    cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    fields = dataclasses.fields(cls)
    record = cls(*args, **kwargs)
    expected = [*args, *(kwargs.get(f.name, f.default) for f in fields[len(args) :])]
    assert [getattr(record, f.name) for f in fields] == expected
    assert dataclasses.astuple(record) == dataclasses.astuple(
        cls(**dict(zip([f.name for f in fields], expected, strict=True)))
    )
    same = cls(*args, **kwargs)
    assert record == same and hash(record) == hash(same) and repr(record) == repr(same)
    values = ", ".join(f"{f.name}={v!r}" for f, v in zip(fields, expected, strict=True))
    assert repr(record) == f"{cls.__qualname__}({values})"
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, fields[0].name, 99)
    moved = dataclasses.replace(record, start=77)
    assert moved.start == 77 and moved != record and record.start == args[0]
    assert pickle.loads(pickle.dumps(record)) == record

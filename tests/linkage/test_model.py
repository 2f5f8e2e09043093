"""A trained model survives a round trip through JSON, and a damaged one is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import splink

from sharelog.errors import InputError, ValidationFailed
from sharelog.linkage import load_model, save_model

from .conftest import World


def test_round_trip_keeps_every_parameter(world: World, tmp_path: Path) -> None:
    model = load_model(world.model)
    copy = tmp_path / "copy.json"
    save_model(model, copy)
    again = load_model(copy)
    assert again == model
    assert again.splink_version == splink.__version__
    assert len(again.checksum) == 64
    assert again.trained_on["register_rows"] == 20_000 + 9


def test_every_level_has_its_parameters(world: World) -> None:
    settings = load_model(world.model).settings
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] > 0, (
                    comparison["output_column_name"],
                    level["label_for_charts"],
                )
                assert level["u_probability"] > 0, (
                    comparison["output_column_name"],
                    level["label_for_charts"],
                )


def test_an_edited_model_is_refused(world: World, tmp_path: Path) -> None:
    document = json.loads(world.model.read_text(encoding="utf-8"))
    document["splink_settings"]["comparisons"][0]["comparison_levels"][1]["m_probability"] = 0.5
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="do not match the model's checksum"):
        load_model(edited)


@pytest.mark.parametrize(
    ("content", "error", "match"),
    [
        ("not json", InputError, "not a JSON model file"),
        ('{"comparisons": []}', ValidationFailed, "not a sharelog linkage model"),
    ],
)
def test_not_a_model(tmp_path: Path, content: str, error: type[Exception], match: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=match):
        load_model(path)

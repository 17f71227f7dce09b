"""mcshell/runtime/modelfile.py: a model file's format and recorded xgboost version, read from its bytes."""

from __future__ import annotations

import json

import pytest
from trained import installed_version, store, train

from mcshell.errors import RuntimeCallError
from mcshell.runtime import modelfile
from mcshell.runtime.calls import Runtime, RuntimeSettings

UBJSON_HEAD = b"{L\x00\x00\x00\x00\x00\x00\x00\x07learner{}L\x00\x00\x00\x00\x00\x00\x00\x07version"


def written(tmp_path, data: bytes, name: str = "model.bin") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    "array",
    [
        b"[#L\x00\x00\x00\x00\x00\x00\x00\x03i\x03i\x02i\x00",  # as xgboost writes it
        b"[$U#i\x03\x03\x02\x00",
        b"[$i#U\x03\x03\x02\x00",
        b"[i\x03U\x02I\x00\x00]",
        b"[l\x00\x00\x00\x03L\x00\x00\x00\x00\x00\x00\x00\x02i\x00]",
    ],
)
def test_the_version_of_a_ubjson_file_is_read_in_every_integer_encoding(tmp_path, array):
    model = modelfile.read(written(tmp_path, UBJSON_HEAD + array + b"}"))
    assert (model.format, model.version) == (modelfile.UBJSON, (3, 2, 0))


@pytest.mark.parametrize("array", [b"[#i\x02i\x03i\x02", b"[i\x03i\x02", b"[S", b"Si\x03"])
def test_a_ubjson_version_that_is_not_three_integers_is_none(tmp_path, array):
    assert modelfile.read(written(tmp_path, UBJSON_HEAD + array + b"}")).version is None


def test_a_json_file_is_read_from_its_tail_or_whole(tmp_path):
    model = {"learner": {"objective": {"name": "reg:squarederror"}}, "version": [2, 1, 4]}
    pretty = written(tmp_path, json.dumps(model, indent=2).encode() + b"\n", "a.json")
    assert (modelfile.read(pretty).format, modelfile.read(pretty).version) == (modelfile.JSON, (2, 1, 4))
    reordered = written(tmp_path, json.dumps({"version": [2, 1, 4], **model}).encode(), "b.json")
    assert modelfile.read(reordered).version == (2, 1, 4)
    assert modelfile.read(written(tmp_path, b' {"learner": {}}', "c.json")).version is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"binf\x00\x00\x00?", modelfile.LEGACY), (b"bs64AAAA", modelfile.LEGACY), (b"not a model", modelfile.UNKNOWN)],
)
def test_the_legacy_binary_format_is_told_by_its_header(tmp_path, data, kind):
    assert modelfile.read(written(tmp_path, data)).format == kind


@pytest.mark.parametrize(
    ("installed", "saved", "refused"),
    [("3.2.0", (3, 2, 0), False), ("3.2.0", (2, 1, 4), False), ("3.2.0", (3, 2, 1), True),
     ("3.3.0.dev0", (3, 3, 0), False), ("3.1.0rc1", (3, 1, 0), False), ("3.0.5", (3, 1, 0), True),
     ("2.1.4", (10, 0, 0), True)],
)  # fmt: skip
def test_only_a_file_newer_than_the_installed_xgboost_is_refused(installed, saved, refused):
    model = modelfile.ModelFile("/store/m/model.json", modelfile.JSON, saved)
    assert (modelfile.refusal(model, installed) is not None) is refused


def test_the_legacy_format_is_refused_from_xgboost_3_1_on():
    model = modelfile.ModelFile("/store/m/old.bin", modelfile.LEGACY, None)
    assert modelfile.refusal(model, "3.0.5") is None
    assert modelfile.refusal(model, "3.1.0rc1") == (
        "the model file is in XGBoost's legacy binary format, which xgboost 3.1 and newer (installed: 3.1.0rc1) no "
        'longer read: in its directory, with an xgboost older than 3.1, run python -c "import xgboost; '
        "xgboost.Booster(model_file='old.bin').save_model('model.json')\" and remove old.bin"
    )


@pytest.mark.parametrize("installed", ["3.2.0", "2.1.4"])
def test_a_file_of_no_format_mcshell_knows_is_refused_under_any_xgboost(installed):
    """Junk, or a legacy binary from before xgboost 1.0 (no `binf` header, no version recorded)."""
    model = modelfile.ModelFile("/store/m/old.model", modelfile.UNKNOWN, None)
    assert modelfile.refusal(model, installed) == (
        "the model file is not an XGBoost JSON or UBJSON model file: a legacy binary from before xgboost 1.0 must "
        'be re-saved with an xgboost older than 3.1: in its directory, run python -c "import xgboost; '
        "xgboost.Booster(model_file='old.model').save_model('model.json')\" and remove old.model"
    )


@pytest.mark.parametrize("name", ["model.json", "model.ubj"])
def test_a_model_that_records_no_version_is_refused_though_xgboost_loads_it(tmp_path, name):
    stored = store(tmp_path, train("regressor"), name)
    if name == "model.json":
        model = json.loads(stored.path.read_text())
        del model["version"]
        stored.path.write_text(json.dumps(model))
    else:
        data = stored.path.read_bytes()
        stored.path.write_bytes(data[: data.rindex(b"L\x00\x00\x00\x00\x00\x00\x00\x07version")] + b"}")
    with pytest.raises(RuntimeCallError) as failed:
        Runtime(RuntimeSettings(oss_root=str(tmp_path))).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])
    assert str(failed.value) == (
        'ML_PREDICT(team_a.churn, v1): the model file records no xgboost version (as `"version": [major, minor, '
        f"patch]`): mcshell cannot tell whether the installed xgboost reads it right ({stored.path})"
    )


def test_the_files_the_installed_xgboost_saves_record_its_version(tmp_path):
    for name in ("model.json", "model.ubj"):
        stored = store(tmp_path, train("regressor"), name, folder=name)
        assert modelfile.read(str(stored.path)).version == installed_version()

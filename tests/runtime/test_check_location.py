"""Runtime.check_location: the warning CREATE MODEL and ADD VERSION print when a store is set."""

from __future__ import annotations

from trained import LEGACY, installed_version, record_version, store, train, xgb

from mcshell.runtime.calls import Runtime, RuntimeSettings

FOUR = tuple((f"f{i}", "DOUBLE") for i in range(4))


def test_without_a_store_nothing_is_checked(tmp_path):
    assert Runtime(RuntimeSettings()).check_location("oss://ep/nowhere/", FOUR) is None


def test_a_loadable_model_with_the_right_feature_count_gives_no_warning(tmp_path):
    stored = store(tmp_path, train("multiclass"), "model.json")
    runtime = Runtime(RuntimeSettings(oss_root=str(tmp_path)))
    assert runtime.check_location(stored.location, FOUR, "BOOSTED_TREE_CLASSIFIER") is None


def test_the_wrong_feature_count_is_named(tmp_path):
    stored = store(tmp_path, train("multiclass"), "model.ubj")
    runtime = Runtime(RuntimeSettings(oss_root=str(tmp_path)))
    assert runtime.check_location(stored.location, FOUR[:3]) == (
        f"the model takes 4 features but the version has 3 INPUT columns: {stored.path}"
    )


def test_a_location_without_a_model_is_named(tmp_path):
    runtime = Runtime(RuntimeSettings(oss_root=str(tmp_path)))
    assert runtime.check_location("oss://ep/models/none/", FOUR) == (
        f"no such directory in the model store: {tmp_path / 'models' / 'none'}"
    )
    (tmp_path / "models" / "empty").mkdir(parents=True)
    assert runtime.check_location("oss://ep/models/empty/", FOUR) == (
        f"the directory holds no model file: {tmp_path / 'models' / 'empty'}"
    )


def test_a_file_xgboost_cannot_load_is_named(tmp_path):
    directory = tmp_path / "models" / "bad"
    directory.mkdir(parents=True)
    (directory / "model.json").write_text('{"learner": {"trunc')
    warning = Runtime(RuntimeSettings(oss_root=str(tmp_path))).check_location("oss://ep/models/bad/", FOUR)
    assert warning.startswith("not a model xgboost can load: ")
    assert warning.endswith(str(directory / "model.json"))


def test_a_file_of_no_model_format_is_named_before_xgboost_reads_it(tmp_path):
    directory = tmp_path / "models" / "bad"
    directory.mkdir(parents=True)
    (directory / "model.json").write_text("not a model")
    warning = Runtime(RuntimeSettings(oss_root=str(tmp_path))).check_location("oss://ep/models/bad/", FOUR)
    assert warning == (
        "the model file is not an XGBoost JSON or UBJSON model file: a legacy binary from before xgboost 1.0 must "
        'be re-saved with an xgboost older than 3.1: in its directory, run python -c "import xgboost; '
        "xgboost.Booster(model_file='model.json').save_model('resaved.json')\" and remove model.json: "
        f"{directory / 'model.json'}"
    )


def test_a_regressor_where_a_classifier_is_declared_is_named(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    runtime = Runtime(RuntimeSettings(oss_root=str(tmp_path)))
    assert runtime.check_location(stored.location, FOUR, "boosted_tree_classifier") == (
        f"the model file holds a regressor (objective reg:squarederror), not a BOOSTED_TREE_CLASSIFIER: {stored.path}"
    )


def test_a_file_saved_by_a_newer_xgboost_is_named_with_both_versions(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.ubj")
    major, minor, patch = installed_version()
    record_version(stored.path, (major, minor + 1, 0))
    warning = Runtime(RuntimeSettings(oss_root=str(tmp_path))).check_location(stored.location, FOUR)
    assert warning == (
        f"the model file was saved by xgboost {major}.{minor + 1}.0, newer than the installed xgboost "
        f"{xgb.__version__}, which may misread it: install xgboost {major}.{minor + 1}.0 or newer: {stored.path}"
    )


def test_a_legacy_binary_file_is_named_where_xgboost_no_longer_reads_it(tmp_path):
    directory = tmp_path / "models" / "legacy"
    directory.mkdir(parents=True)
    (directory / "model.bin").write_bytes(LEGACY.read_bytes())
    warning = Runtime(RuntimeSettings(oss_root=str(tmp_path))).check_location("oss://ep/models/legacy/", FOUR)
    if installed_version() < (3, 1, 0):
        assert warning is None
    else:
        assert warning.startswith("the model file is in XGBoost's legacy binary format, which xgboost 3.1 and newer")
        assert warning.endswith(f"and remove model.bin: {directory / 'model.bin'}")

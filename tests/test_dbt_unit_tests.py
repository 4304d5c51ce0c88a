"""The dbt unit tests (split detection, threshold selection, transitive merging, label
reconciliation, review resolution) run here, once, against a built database: dbt needs the
parents of a unit-tested model to exist. Production builds leave them out."""
import json

from conftest import run_dbt, sample_vars


def test_every_dbt_unit_test_passes(small_build, small_sample):
    run = run_dbt(small_build.workdir / "unit", sample_vars(small_sample), command="test",
                  extra_args=("--select", "test_type:unit"), db_path=small_build.db_path)
    assert run.ok, run.output[-4000:]
    manifest = json.loads((run.workdir / "target" / "manifest.json").read_text())
    declared = {uid for uid in manifest["unit_tests"]}
    results = json.loads((run.workdir / "target" / "run_results.json").read_text())["results"]
    passed = {r["unique_id"] for r in results if r["status"] == "pass"}
    assert declared and passed == declared

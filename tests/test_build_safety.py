"""Nothing lost, nothing half-written: inputs are never modified, a build killed mid-run
leaves the previous deliverables whole, and a second build on the same database at the same
time fails with a clear message while the first finishes."""
import hashlib
import json
import os
import signal
import subprocess
import time

from conftest import PROJECT, VENV_BIN, run_dbt, sample_vars


def tree_hashes(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_inputs_are_never_modified(copy_of_sample, tmp_path):
    before = tree_hashes(copy_of_sample)
    run = run_dbt(tmp_path / "build", sample_vars(
        copy_of_sample, decisions_path=str(copy_of_sample / "decisions"),
        team_clusters_path=str(copy_of_sample / "team_clusters.json")))
    assert run.ok, run.output[-3000:]
    assert tree_hashes(copy_of_sample) == before


def start_build(workdir, dbt_vars):
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "VL_CLEAN_DB": str(workdir.parent / "shared.duckdb")}
    return subprocess.Popen(
        [str(VENV_BIN / "dbt"), "build", "--vars", json.dumps(dbt_vars),
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for_line(process, text, timeout=300):
    deadline = time.monotonic() + timeout
    seen = []
    for line in process.stdout:
        seen.append(line)
        if text in line or time.monotonic() > deadline:
            return "".join(seen)
    return "".join(seen)


def test_a_killed_build_leaves_the_previous_deliverables_whole(small_sample, tmp_path):
    out = tmp_path / "manifests"
    dbt_vars = {**sample_vars(small_sample), "deliverables_dir": str(out)}
    first = start_build(tmp_path / "first", dbt_vars)
    first_output = first.communicate()[0]
    assert first.returncode == 0, first_output[-3000:]
    before = tree_hashes(out)

    changed = {**dbt_vars, "duplicate_threshold": 0.99}
    for marker in ("START sql table model main.duplicate_clusters",
                   "START python table model main.deliverables"):
        killed = start_build(tmp_path / "killed", changed)
        wait_for_line(killed, marker)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert tree_hashes(out) == before, marker

    again = start_build(tmp_path / "again", dbt_vars)
    assert again.wait() == 0
    # Same input, same files; except the list of what changed since the release before, which
    # is another one now (the first build's was "first release: everything is added").
    changes = "imagenet1k_release_changes.csv"
    assert changes in before
    after = tree_hashes(out)
    assert {k: v for k, v in after.items() if k != changes} == {
        k: v for k, v in before.items() if k != changes}
    assert not [p for p in out.iterdir() if p.name.startswith(".incoming")]


def test_a_second_build_on_the_same_database_fails_clearly(small_sample, tmp_path):
    out = tmp_path / "manifests"
    dbt_vars = {**sample_vars(small_sample), "deliverables_dir": str(out)}
    first = start_build(tmp_path / "first", dbt_vars)
    wait_for_line(first, "START sql table model main.stg_vl__media_items")
    second = start_build(tmp_path / "second", dbt_vars)
    second_output = second.communicate()[0]
    first_output = first.communicate()[0]
    assert second.returncode != 0
    assert "Could not set lock on file" in second_output, second_output[-2000:]
    assert first.returncode == 0, first_output[-3000:]
    assert (out / "imagenet1k_final_removal_list.txt").exists()

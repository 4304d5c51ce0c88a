"""Shared fixtures: generated sample data, dbt builds into temporary folders, and the
real third-party data in ../shared when it is there."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SHARED_REAL = PROJECT.parent / "shared" / "data" / "real"
# The flags scripts/setup.sh gives each dbt command (dbt Labs: unit tests belong in CI, not
# in the production build).
PRODUCTION_FLAGS = {"build": ("--exclude-resource-type", "unit_test")}


class DbtRun:
    """One `dbt build` (or other command) into its own database, target and deliverables."""

    def __init__(self, workdir, result, deliverables_dir, db_path):
        self.workdir = workdir
        self.result = result
        self.deliverables_dir = deliverables_dir
        self.db_path = db_path

    @property
    def ok(self):
        return self.result.returncode == 0

    @property
    def output(self):
        return self.result.stdout + self.result.stderr

    def query(self, sql, params=None):
        with duckdb.connect(str(self.db_path), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()

    def deliverable(self, name, dataset="imagenet1k"):
        return self.deliverables_dir / f"{dataset}_{name}"


def run_dbt(workdir, dbt_vars, command="build", extra_args=(), deliverables_dir=None,
            db_path=None, env=None):
    """`dbt build` runs as scripts/setup.sh runs it, without the unit tests: those check the
    SQL, not the data, and run once in tests/test_dbt_unit_tests.py."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    deliverables_dir = Path(deliverables_dir or workdir / "manifests")
    db_path = Path(db_path or workdir / "vl_clean.duckdb")
    all_vars = {"deliverables_dir": str(deliverables_dir), **dbt_vars}
    process_env = {**os.environ, "VL_CLEAN_DB": str(db_path), **(env or {})}
    result = subprocess.run(
        [str(VENV_BIN / "dbt"), command, "--vars", json.dumps(all_vars),
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--no-partial-parse", *PRODUCTION_FLAGS.get(command, ()), *extra_args],
        cwd=PROJECT, env=process_env, capture_output=True, text=True, timeout=900,
    )
    return DbtRun(workdir, result, deliverables_dir, db_path)


def sample_vars(sample_dir, **overrides):
    """Vars for a build on a generated sample, without its demo decision logs."""
    sample_dir = Path(sample_dir)
    values = {
        "vl_export_path": str(sample_dir / "vl_export"),
        "manifest_path": str(sample_dir / "manifest.parquet"),
        "decisions_path": "",
    }
    values.update(overrides)
    return values


def generate_sample(out_dir, profile="small", seed=None, formats=()):
    """formats: other formats of the same data (generate_sample_data.py --formats)."""
    args = [sys.executable, str(PROJECT / "scripts" / "generate_sample_data.py"),
            "--profile", profile, "--out", str(out_dir)]
    if seed is not None:
        args += ["--seed", str(seed)]
    if formats:
        args += ["--formats", formats if isinstance(formats, str) else ",".join(formats)]
    subprocess.run(args, check=True, capture_output=True, text=True, timeout=600)
    return Path(out_dir)


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory):
    """The small generated profile (read-only for tests: copy before changing it)."""
    return generate_sample(tmp_path_factory.mktemp("sample") / "small")


@pytest.fixture(scope="session")
def truth(small_sample):
    return json.loads((small_sample / "truth.json").read_text())


@pytest.fixture(scope="session")
def small_build(small_sample, tmp_path_factory):
    """One successful default-policy build on the small sample, shared by read-only tests."""
    run = run_dbt(tmp_path_factory.mktemp("small_build"), sample_vars(small_sample))
    assert run.ok, run.output[-4000:]
    return run


@pytest.fixture(scope="session")
def reviewed_build(small_sample, tmp_path_factory):
    """A build on the small sample with its two demo reviewers' decision logs."""
    run = run_dbt(tmp_path_factory.mktemp("reviewed_build"), sample_vars(
        small_sample, decisions_path=str(small_sample / "decisions")))
    assert run.ok, run.output[-4000:]
    return run


@pytest.fixture
def copy_of_sample(small_sample, tmp_path):
    """A private copy of the small sample that a test may change."""
    target = tmp_path / "sample"
    shutil.copytree(small_sample, target)
    return target


def require_shared(*parts):
    path = SHARED_REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real third-party data not available: {path} (../shared is absent)")
    return path

"""The same models on other engines: a Spark build (dbt-spark's session method, local
PySpark) of the small sample with its reviewers' decisions passes the same dbt tests and
writes the same deliverables as the DuckDB build; the Trino target compiles without a
server."""
import csv
import io
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import run_dbt, sample_vars

DELIVERABLE_TABLES = ["train_test_leaks.csv", "multi_label_clusters.csv", "tagged_manifest.csv",
                      "clean_manifest.csv", "exclude.csv", "reviewer_agreement.csv",
                      "review_conflicts.csv", "release_changes.csv"]
ID_LISTS = ["val_removal_list.txt", "final_removal_list.txt"]
# Constructs that only DuckDB understands: none may reach SQL compiled for Trino.
DUCKDB_ONLY = re.compile(r"::|->>|\bjson_type\(|\bread_(json|csv|parquet)|\bstring_agg\(|"
                         r"\bgenerate_subscripts\(|\bstruct_pack\(|\blist_concat\(|\bregexp_matches\(")
SPARK_ONLY = re.compile(r"\bposexplode\(|\bbinaryFile\b|\bcollect_list\(|\brlike\b|\bsha2\(")


def spark_available():
    if shutil.which("java") is None:
        pytest.skip("no Java on this machine: the spark target needs a JVM (Java 17)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (requirements.txt pins it)")


@pytest.fixture(scope="module")
def spark_build(small_sample, tmp_path_factory):
    spark_available()
    workdir = tmp_path_factory.mktemp("spark_build")
    run = run_dbt(workdir, sample_vars(small_sample, decisions_path=str(small_sample / "decisions")),
                  extra_args=("--target", "spark"), env={"VL_CLEAN_SPARK_DIR": str(workdir / "spark")})
    assert run.ok, run.output[-6000:]
    return run


def results_of(run):
    return json.loads((run.workdir / "target" / "run_results.json").read_text())["results"]


def spark_part_file(run, name):
    """Spark writes each deliverable as a folder holding one part file."""
    folder = run.deliverable(name)
    assert folder.is_dir(), f"{folder} was not written"
    parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-"))
    assert len(parts) == 1, f"{folder}: expected one part file, found {[p.name for p in parts]}"
    return parts[0]


def csv_rows(path):
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def test_spark_build_passes_the_same_data_tests_as_duckdb(spark_build, reviewed_build):
    spark_results = results_of(spark_build)
    failed = [(r["unique_id"], r["status"]) for r in spark_results
              if r["status"] not in ("success", "pass")
              and not (r["unique_id"].startswith("exposure.") and r["status"] == "no-op")]
    assert not failed, failed
    tests = {r["unique_id"] for r in spark_results if r["unique_id"].startswith("test.")}
    duckdb_tests = {r["unique_id"] for r in results_of(reviewed_build) if r["unique_id"].startswith("test.")}
    assert tests == duckdb_tests and len(tests) > 100


@pytest.mark.parametrize("name", DELIVERABLE_TABLES)
def test_spark_csv_deliverables_equal_duckdb(spark_build, reviewed_build, name):
    spark_rows = csv_rows(spark_part_file(spark_build, name))
    duckdb_rows = csv_rows(reviewed_build.deliverable(name))
    assert spark_rows[0] == duckdb_rows[0]
    assert spark_rows == duckdb_rows


@pytest.mark.parametrize("name", ID_LISTS)
def test_spark_id_lists_equal_duckdb(spark_build, reviewed_build, name):
    spark_ids = spark_part_file(spark_build, name).read_text().splitlines()
    assert spark_ids == reviewed_build.deliverable(name).read_text().splitlines()
    assert spark_ids, f"{name} is empty: the comparison would prove nothing"


def test_spark_clean_manifest_parquet_equals_duckdb(spark_build, reviewed_build):
    query = "select * from read_parquet(?)"
    with duckdb.connect() as connection:
        spark_rows = connection.execute(query, [str(spark_part_file(spark_build, "clean_manifest.parquet"))]).fetchall()
        duckdb_rows = connection.execute(query, [str(reviewed_build.deliverable("clean_manifest.parquet"))]).fetchall()
    assert spark_rows == duckdb_rows and len(spark_rows) > 0


@pytest.mark.parametrize("name", ["relabel_map.json", "summary.json", "review_queue.json"])
def test_spark_json_deliverables_equal_duckdb(spark_build, reviewed_build, name):
    spark_document = json.loads(spark_part_file(spark_build, name).read_text())
    duckdb_document = json.loads(reviewed_build.deliverable(name).read_text())
    assert spark_document == duckdb_document


def test_spark_summary_markdown_equals_duckdb(spark_build, reviewed_build):
    spark_lines = spark_part_file(spark_build, "summary.md").read_text().splitlines()
    assert spark_lines == reviewed_build.deliverable("summary.md").read_text().splitlines()
    assert len(spark_lines) > 10


def spark_table_rows(run, table, columns):
    """A Spark table's rows, read from its Parquet files in the local warehouse."""
    folder = run.workdir / "spark" / "warehouse" / "vl_clean.db" / table
    assert folder.is_dir(), f"no Spark table {table} at {folder}"
    with duckdb.connect() as connection:
        return connection.execute(
            f"select {columns} from read_parquet(?) order by all", [str(folder / "*.parquet")]).fetchall()


def test_spark_inventory_lists_and_hashes_the_same_files(spark_build, reviewed_build):
    """Spark lists and hashes the inputs itself (binaryFile, SQL); DuckDB's inventory is
    Python: both name the same files with the same sizes and SHA-256."""
    columns = "input_kind, display_path, size_bytes, sha256"
    spark_rows = spark_table_rows(spark_build, "stg_inputs__files", columns)
    duckdb_rows = reviewed_build.query(f"select {columns} from stg_inputs__files order by all")
    assert spark_rows == duckdb_rows and len(spark_rows) > 3


def test_trino_target_compiles_without_a_server(small_sample, tmp_path):
    run = run_dbt(tmp_path, sample_vars(small_sample, decisions_path=str(small_sample / "decisions")),
                  command="compile", extra_args=("--target", "trino", "--no-introspect", "--no-populate-cache"))
    assert run.ok, run.output[-4000:]
    compiled = sorted((tmp_path / "target" / "compiled" / "vl_clean" / "models").rglob("*.sql"))
    assert len(compiled) > 60
    offending = {}
    for path in compiled:
        text = path.read_text()
        found = DUCKDB_ONLY.findall(text) + SPARK_ONLY.findall(text)
        if found:
            offending[path.name] = sorted(set(found))
    assert not offending, offending
    media_items = (tmp_path / "target" / "compiled" / "vl_clean" / "models" / "staging" / "vl"
                   / "stg_vl__media_items.sql").read_text()
    assert "cross join unnest" in media_items and "json_parse(document)" in media_items

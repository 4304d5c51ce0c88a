"""The ad-hoc queries in analyses/ compile with `dbt compile` and, run through the pinned
DuckDB CLI from another folder against a built database, answer what their headers say."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import PROJECT, VENV_BIN, run_dbt, sample_vars  # noqa: E402

DUCKDB_CLI = VENV_BIN / "duckdb"


@pytest.fixture(scope="module")
def build_vars(small_sample):
    """The vars of conftest's reviewed_build (the sample with its two reviewers' logs)."""
    return sample_vars(small_sample, decisions_path=str(small_sample / "decisions"))


@pytest.fixture
def compile_and_run(reviewed_build, build_vars, tmp_path):
    """compile_and_run(name, **vars) -> rows (dicts) of the analysis run by the DuckDB CLI."""
    def run(name, **extra_vars):
        compiled = run_dbt(
            tmp_path / f"compile_{name}", {**build_vars, **extra_vars}, command="compile",
            extra_args=["--select", name], deliverables_dir=reviewed_build.deliverables_dir,
            db_path=reviewed_build.db_path)
        assert compiled.ok, compiled.output[-4000:]
        sql_path = compiled.workdir / "target" / "compiled" / "vl_clean" / "analyses" / f"{name}.sql"
        sql = sql_path.read_text()
        assert "{{" not in sql and "ref(" not in sql, sql
        return cli_rows(reviewed_build.db_path, sql, cwd=tmp_path)
    return run


def cli_rows(db_path, sql, cwd):
    """Rows of `duckdb -readonly -csv <db> -c <sql>`, started in a folder other than the project."""
    assert Path(cwd).resolve() != PROJECT
    result = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(db_path), "-c", sql],
                            cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_cli_sees_column_comments(reviewed_build, tmp_path):
    rows = cli_rows(reviewed_build.db_path,
                    "select comment from duckdb_columns() "
                    "where table_name = 'images' and column_name = 'image_id'", cwd=tmp_path)
    assert len(rows) == 1 and rows[0]["comment"].strip(), rows


def test_top_leaking_classes(reviewed_build, compile_and_run):
    rows = compile_and_run("top_leaking_classes")
    [(leaked, conflicting)] = reviewed_build.query(
        "select count(*), count(*) filter (where not labels_agree) from leaked_val_images")
    assert leaked > 0 and conflicting > 0
    assert sum(int(r["leaked_val_images"]) for r in rows) == leaked
    assert sum(int(r["with_conflicting_labels"]) for r in rows) == conflicting
    counts = [int(r["leaked_val_images"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    by_class = dict(reviewed_build.query(
        "select class_index, count(*) from leaked_val_images where class_index is not null group by 1"))
    top = rows[0]
    assert top["class_index"] and by_class[int(top["class_index"])] == int(top["leaked_val_images"])
    assert top["class_name"]
    # top_n limits the list
    assert len(compile_and_run("top_leaking_classes", top_n=1)) == 1


def test_clusters_of_one_class_pair(reviewed_build, compile_and_run):
    labels = {}
    for cluster_id, class_index in reviewed_build.query(
            "select cluster_id, class_index from duplicate_cluster_members"):
        labels.setdefault(cluster_id, set()).add(class_index)
    labelled = {c: frozenset(s - {None}) for c, s in labels.items()}
    pairs = sorted({s for s in labelled.values() if len(s) == 2}, key=sorted)
    assert pairs, "the sample has no duplicate cluster with exactly two classes"
    class_a, class_b = sorted(pairs[0])
    expected = {c for c, s in labelled.items() if s == {class_a, class_b}}
    # some cluster holds one of the pair together with another class: it must not be listed
    rows = compile_and_run("clusters_of_one_class_pair", class_a=class_b, class_b=class_a)
    assert {r["cluster_id"] for r in rows} == {str(c) for c in expected}
    for row in rows:
        assert int(row["images_of_class_a"]) > 0 and int(row["images_of_class_b"]) > 0
        assert {int(row["class_a"]), int(row["class_b"])} == {class_a, class_b}
        members = row["image_ids"].split(";")
        assert len(members) == int(row["cluster_size"])
    # a pair no cluster carries returns nothing
    absent = next((a, b) for a in range(1000) for b in range(a + 1, 1000)
                  if frozenset((a, b)) not in set(labelled.values()))
    assert compile_and_run("clusters_of_one_class_pair", class_a=absent[0], class_b=absent[1]) == []


def test_decisions_of_one_reviewer(reviewed_build, compile_and_run):
    expected = reviewer_decisions(reviewed_build, "alice")
    assert expected, "the demo logs have no decision of alice"
    rows = compile_and_run("decisions_of_one_reviewer")  # default reviewer: alice
    assert len(rows) == len(expected)
    assert {(r["image_id"], r["action"]) for r in rows} == expected
    assert all(r["reviewer"] == "alice" and r["image_path"] for r in rows)
    bob = compile_and_run("decisions_of_one_reviewer", reviewer="bob")
    assert {(r["image_id"], r["action"]) for r in bob} == reviewer_decisions(reviewed_build, "bob")


def reviewer_decisions(build, reviewer):
    return set(build.query(
        "select image_id, action from int_review_decisions_latest where reviewer = ?", [reviewer]))


def test_what_changed_since_last_build(reviewed_build, compile_and_run):
    # The build is the first release of its database: every removal and relabel is 'added'.
    removals = reviewed_build.deliverable("final_removal_list.txt").read_text().split()
    relabels = json.loads(reviewed_build.deliverable("relabel_map.json").read_text())
    assert removals and relabels
    rows = compile_and_run("what_changed_since_last_build")
    assert [(r["item"], r["change"], r["image_id"]) for r in rows] == (
        [("removal", "added", i) for i in sorted(removals)]
        + [("relabel", "added", i) for i in sorted(relabels)])
    assert all(r["is_first_release"] == "true" and r["previous_release_id"] == "NULL" for r in rows)
    assert {r["image_id"]: int(r["current_new_class_index"]) for r in rows
            if r["item"] == "relabel"} == relabels
    only_relabels = compile_and_run("what_changed_since_last_build", item="relabel")
    assert sorted(r["image_id"] for r in only_relabels) == sorted(relabels)

"""fastdup work folders and VL-datasets issue lists give the clusters, leaks, removals and
findings the generator planted, without the VL export; bad files are named (issue #4)."""
import csv
import json
import shutil

import pytest

from conftest import generate_sample, run_dbt

FORMATS = "fastdup,vl_issue_list"
ISSUE_TYPE = {"outliers": "outlier", "mislabels": "mislabel"}


@pytest.fixture(scope="session")
def pair_sample(tmp_path_factory):
    return generate_sample(tmp_path_factory.mktemp("pair_sample") / "small", formats=FORMATS)


@pytest.fixture(scope="session")
def pair_truth(pair_sample):
    return json.loads((pair_sample / "truth.json").read_text())


def without_export(sample, **inputs):
    """Vars for a build from the manifest and the given inputs only: no VL export."""
    return {"vl_export_path": "", "manifest_path": str(sample / "manifest.parquet"),
            "decisions_path": "", **inputs}


def clusters_in(run, table="duplicate_cluster_members", cluster_column="cluster_id"):
    grouped = {}
    for cluster_id, image_id in run.query(f"select {cluster_column}, image_id from {table}"):
        grouped.setdefault(cluster_id, []).append(image_id)
    return sorted(sorted(members) for members in grouped.values())


def assert_duplicates_equal_truth(run, truth):
    assert clusters_in(run) == truth["clusters"]
    assert clusters_in(run, "near_duplicate_candidates", "near_cluster_id") == \
        truth["near_duplicate_clusters"]
    assert clusters_in(run, "multi_label_clusters") == truth["multi_label_clusters"]
    leaks = {image_id: sorted(train_ids.split(";")) for image_id, train_ids in
             run.query("select image_id, train_image_ids from leaked_val_images")}
    assert leaks == {image_id: sorted(case["train_ids"])
                     for image_id, case in truth["leaked_val_images"].items()}
    assert dict(run.query("select image_id, reason from val_removals")) == truth["val_removals"]
    assert run.deliverable("val_removal_list.txt").read_text().splitlines() == \
        sorted(truth["val_removals"])


def findings_in(run, source):
    found = {}
    for image_id, issue_type in run.query(
            "select image_id, issue_type from findings where finding_source = ?", [source]):
        found.setdefault(image_id, []).append(issue_type)
    return {image_id: sorted(types) for image_id, types in found.items()}


def planted_findings(truth, fmt):
    return {image_id: sorted(ISSUE_TYPE.get(t, t) for t in types)
            for image_id, types in truth["extra_formats"][fmt]["findings_by_image"].items()}


def problems(run, severity):
    return run.query("select check_name, input_file, record, field, value from input_problems "
                     "where severity = ? order by all", [severity])


def test_generator_writes_the_formats_deterministically_and_leaves_the_sample_as_it_was(
        pair_sample, small_sample, tmp_path):
    again = generate_sample(tmp_path / "again", formats=FORMATS)
    written = sorted(p.relative_to(pair_sample) for p in pair_sample.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for relative in written:
        assert (pair_sample / relative).read_bytes() == (again / relative).read_bytes(), relative
    for relative in (p.relative_to(small_sample) for p in small_sample.rglob("*") if p.is_file()):
        if relative.name != "truth.json":
            assert (pair_sample / relative).read_bytes() == (small_sample / relative).read_bytes()
    truth = json.loads((pair_sample / "truth.json").read_text())
    extra = truth.pop("extra_formats")
    assert truth == json.loads((small_sample / "truth.json").read_text())
    assert set(extra) == {"fastdup", "vl_issue_list"}
    assert extra["fastdup"]["noise_pairs"] > 0 and extra["fastdup"]["corrupt_images"]


def test_fastdup_work_dir_with_integer_ids_gives_the_planted_truth(pair_sample, pair_truth, tmp_path):
    run = run_dbt(tmp_path / "build", without_export(
        pair_sample, fastdup_work_dir=str(pair_sample / "fastdup")))
    assert run.ok, run.output[-4000:]
    assert_duplicates_equal_truth(run, pair_truth)
    assert findings_in(run, "fastdup") == planted_findings(pair_truth, "fastdup")
    corrupt = pair_truth["extra_formats"]["fastdup"]["corrupt_images"]
    assert {i for i, t in run.query("select image_id, issue_type from findings")
            if t == "corrupt"} == set(corrupt)
    assert problems(run, "error") == []
    # the pairs below var near_duplicate_threshold made no group
    assert run.query("select min(threshold) from int_duplicate_memberships_unioned")[0][0] > 0.9599


def test_vl_issue_list_gives_the_planted_truth(pair_sample, pair_truth, tmp_path):
    run = run_dbt(tmp_path / "build", without_export(
        pair_sample, vl_issue_list_path=str(pair_sample / "vl_issue_list")))
    assert run.ok, run.output[-4000:]
    assert_duplicates_equal_truth(run, pair_truth)
    assert findings_in(run, "vl_issue_list") == planted_findings(pair_truth, "vl_issue_list")
    assert problems(run, "error") == [] and problems(run, "warning") == []


def test_legacy_fastdup_paths_and_an_issue_list_together_with_a_wrong_count(
        pair_sample, pair_truth, tmp_path):
    """Path ids and a saved controller frame, no id map; merged with the issue list, whose
    count file is one Blur row off: a warning naming the count file, not an error."""
    issues = tmp_path / "issues"
    shutil.copytree(pair_sample / "vl_issue_list", issues)
    counts = issues / "ImageNet-1K_images_issue_count.csv"
    rows = list(csv.reader(counts.open()))
    blur = next(r for r in rows if r[0] == "Blur" and r[3] == "all")
    blur[1] = str(int(blur[1]) + 1)
    with counts.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    run = run_dbt(tmp_path / "build", without_export(
        pair_sample, fastdup_work_dir=str(pair_sample / "fastdup_legacy"),
        vl_issue_list_path=str(issues)))
    assert run.ok, run.output[-4000:]
    assert_duplicates_equal_truth(run, pair_truth)
    assert run.query("select count(*) from int_duplicate_memberships_unioned "
                     "where origin = 'fastdup_similarity'")[0][0] > 0
    assert findings_in(run, "vl_issue_list") == planted_findings(pair_truth, "vl_issue_list")
    warnings = problems(run, "warning")
    assert [(w[0], w[2], w[3], w[4]) for w in warnings] == [
        ("issue_count_mismatch", f"row {rows.index(blur)}", "count", blur[1])]
    assert warnings[0][1].endswith("ImageNet-1K_images_issue_count.csv")


# ---- bad input: named by file, record and field, nothing written -------------------------

def ids_without_id_map(sample, folder):
    (folder / "fastdup" / "atrain_features.dat.csv").unlink()
    return ({"fastdup_work_dir": str(folder / "fastdup")},
            ["fastdup_ids_without_map", "similarity.csv", "row 1", "field from",
             "atrain_features.dat.csv", str(folder / "fastdup")])


def distance_not_a_number(sample, folder):
    path = folder / "fastdup" / "similarity.csv"
    lines = path.read_text().splitlines()
    lines[3] = ",".join(lines[3].split(",")[:2] + ["very close"])
    path.write_text("\n".join(lines) + "\n")
    return ({"fastdup_work_dir": str(folder / "fastdup")},
            ["wrong_type", "similarity.csv", "row 3", "field distance", "very close"])


def issue_value_not_a_number(sample, folder):
    path = folder / "vl_issue_list" / "ImageNet-1K_images_issue_file_list.csv"
    rows = list(csv.reader(path.open()))
    rows[5][2] = "n/a"
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return ({"vl_issue_list_path": str(folder / "vl_issue_list")},
            ["wrong_type", "ImageNet-1K_images_issue_file_list.csv", "row 5", "field value", "n/a"])


BAD = [ids_without_id_map, distance_not_a_number, issue_value_not_a_number]


@pytest.mark.parametrize("case", BAD, ids=[c.__name__ for c in BAD])
def test_bad_pair_input_is_named_and_nothing_is_written(case, pair_sample, tmp_path):
    folder = tmp_path / "inputs"
    for name in ("fastdup", "vl_issue_list"):
        shutil.copytree(pair_sample / name, folder / name)
    overrides, expected = case(pair_sample, folder)
    run = run_dbt(tmp_path / "build", without_export(pair_sample, **overrides))
    assert not run.ok
    for text in expected:
        assert text in run.output, (text, run.output[-3000:])
    assert not run.deliverables_dir.exists() or not any(run.deliverables_dir.iterdir())

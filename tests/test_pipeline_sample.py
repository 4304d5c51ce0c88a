"""dbt build on the generated small ImageNet-1K finds exactly what the generator planted."""
import csv
import hashlib
import json
import shutil
import zipfile

from conftest import run_dbt, sample_vars


def clusters_in(run, table="duplicate_cluster_members", cluster_column="cluster_id"):
    rows = run.query(f"select {cluster_column}, image_id from {table}")
    grouped = {}
    for cluster_id, image_id in rows:
        grouped.setdefault(cluster_id, []).append(image_id)
    return sorted(sorted(members) for members in grouped.values())


def test_clusters_equal_planted_truth_after_transitive_merge(small_build, truth):
    assert clusters_in(small_build) == truth["clusters"]
    merged = {frozenset(c) for c in clusters_in(small_build)}
    for case in truth["transitive_merges"]:
        whole = frozenset(case["chunk_group"]) | frozenset(case["cluster_file_group"])
        assert whole in merged, case


def test_singleton_groups_are_not_duplicates(small_build, truth):
    duplicates = {row[0] for row in small_build.query("select image_id from duplicate_cluster_members")}
    assert truth["singleton_groups"] and not duplicates & set(truth["singleton_groups"])


def test_leaked_val_images_equal_truth(small_build, truth):
    rows = small_build.query(
        "select image_id, train_image_ids, train_class_indices, labels_agree from leaked_val_images"
    )
    found = {
        image_id: {
            "train_ids": train_ids.split(";"),
            "train_labels": sorted(int(x) for x in train_labels.split(";")),
            "labels_agree": agree,
        }
        for image_id, train_ids, train_labels, agree in rows
    }
    expected = {
        image_id: {
            "train_ids": sorted(case["train_ids"]),
            "train_labels": sorted(set(case["train_labels"])),
            "labels_agree": case["labels_agree"],
        }
        for image_id, case in truth["leaked_val_images"].items()
    }
    assert found == expected
    assert any(not case["labels_agree"] for case in expected.values())
    assert any(case["labels_agree"] for case in expected.values())


def test_val_removals_equal_truth_and_never_touch_train(small_build, truth):
    rows = small_build.query("select image_id, reason, split from val_removals")
    assert {image_id: reason for image_id, reason, _ in rows} == truth["val_removals"]
    assert {split for _, _, split in rows} == {"val"}


def test_multi_label_and_near_duplicate_clusters_equal_truth(small_build, truth):
    assert clusters_in(small_build, "multi_label_clusters") == truth["multi_label_clusters"]
    assert clusters_in(
        small_build, "near_duplicate_candidates", "near_cluster_id"
    ) == truth["near_duplicate_clusters"]


def test_summary_counts_equal_truth(small_build, truth):
    summary = json.loads(small_build.deliverable("summary.json").read_text())
    figures = summary["figures"]
    counts = truth["counts"]
    assert figures["total_samples"] == {"all": counts["total"], "train": counts["train"],
                                        "val": counts["val"]}
    assert figures["duplicate_images"]["all"] == counts["duplicate_images"]
    assert figures["duplicate_clusters"]["all"] == counts["duplicate_clusters"]
    assert figures["leak_clusters"]["all"] == counts["leak_clusters"]
    assert figures["leaked_val_images"]["all"] == counts["leaked_val_images"]
    assert figures["val_val_clusters"]["all"] == counts["val_val_clusters"]
    assert figures["train_train_clusters"]["all"] == counts["train_train_clusters"]
    assert figures["multi_label_clusters"]["all"] == counts["multi_label_clusters"]
    assert figures["images_to_remove"]["all"] == counts["val_removals"]
    assert figures["clean_size"]["all"] == counts["clean_total"]
    assert figures["clean_size"]["val"] == counts["clean_val"]
    markdown = small_build.deliverable("summary.md").read_text()
    assert f"| leaked_val_images | all | {counts['leaked_val_images']:,} |" in markdown


def test_leak_report_has_one_row_per_leaked_val_image(small_build, truth):
    with small_build.deliverable("train_test_leaks.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "cluster_id", "val_image_id", "val_image_path", "val_label", "val_label_name",
        "train_image_ids", "train_labels", "labels_agree", "duplicate_threshold", "action",
        "priority",
    ]
    assert sorted(r["val_image_id"] for r in rows) == sorted(truth["leaked_val_images"])
    for row in rows:
        case = truth["leaked_val_images"][row["val_image_id"]]
        assert row["train_image_ids"].split(";") == sorted(case["train_ids"])
        assert row["priority"] == ("medium" if case["labels_agree"] else "high")
        assert row["action"] == "remove"
    priorities = [r["priority"] for r in rows]
    assert priorities == sorted(priorities, key=lambda p: p != "high")


def test_removal_list_is_sorted_ids_one_per_line(small_build, truth):
    text = small_build.deliverable("val_removal_list.txt").read_text()
    assert text.endswith("\n")
    assert text.splitlines() == sorted(truth["val_removals"])


def test_multi_label_report_lists_every_member(small_build, truth):
    with small_build.deliverable("multi_label_clusters.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    members = sorted(image for cluster in truth["multi_label_clusters"] for image in cluster)
    assert sorted(r["image_id"] for r in rows) == members
    assert all(int(r["num_different_labels"]) > 1 for r in rows)


def file_hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_deliverables_are_byte_identical_across_builds(small_build, small_sample, tmp_path):
    again = run_dbt(tmp_path / "again", sample_vars(small_sample))
    assert again.ok, again.output[-3000:]
    first, second = file_hashes(small_build.deliverables_dir), file_hashes(again.deliverables_dir)
    assert len(first) >= 14 and first == second


def test_cluster_ids_survive_rechunking_and_zip(small_build, copy_of_sample, tmp_path):
    export = copy_of_sample / "vl_export"
    items = {}
    for path in sorted(export.rglob("*.json")):
        for item in json.loads(path.read_text())["media_items"]:
            items.setdefault(item["media_id"], []).append(item)
    merged = []
    for copies in items.values():
        base = dict(copies[0])
        entries = []
        for copy in copies:
            entries += [e for e in copy["metadata_items"] if e not in entries]
        base["metadata_items"] = entries
        merged.append(base)
    shutil.rmtree(export)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("metadata.json", json.dumps({"info": {"schema_version": "1.1"},
                                                     "media_items": merged[::-1]}))
    rechunked = run_dbt(tmp_path / "zip", sample_vars(copy_of_sample, vl_export_path=str(archive)))
    assert rechunked.ok, rechunked.output[-3000:]
    query = "select cluster_id, image_id from duplicate_cluster_members order by all"
    assert rechunked.query(query) == small_build.query(query)


def test_failed_build_leaves_previous_deliverables_untouched(copy_of_sample, tmp_path):
    out = tmp_path / "out"
    good = run_dbt(tmp_path / "good", sample_vars(copy_of_sample), deliverables_dir=out)
    assert good.ok, good.output[-3000:]
    before = file_hashes(out)
    broken = next((copy_of_sample / "vl_export").glob("metadata_part_*.json"))
    document = json.loads(broken.read_text())
    document["media_items"][3]["media_id"] = None
    broken.write_text(json.dumps(document))
    bad = run_dbt(tmp_path / "bad", sample_vars(copy_of_sample), deliverables_dir=out)
    assert not bad.ok
    assert "missing_media_id" in bad.output and broken.name in bad.output
    assert "media_items[3]" in bad.output
    assert file_hashes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".incoming")]


def test_without_manifest_unknown_split_in_cluster_fails_naming_the_image(
    small_sample, truth, tmp_path
):
    no_manifest = sample_vars(small_sample, manifest_path="")
    run = run_dbt(tmp_path / "strict", no_manifest)
    assert not run.ok
    assert "unknown_split_in_cluster" in run.output
    named = [image for image in truth["unknown_split_in_clusters_without_manifest"]
             if image in run.output]
    assert named, run.output[-3000:]
    assert "file vl_export/" in run.output or "file " + str(small_sample) in run.output

    lenient = run_dbt(tmp_path / "warn", {**no_manifest, "unknown_split_policy": "warn"})
    assert lenient.ok, lenient.output[-3000:]
    unknown = {row[0] for row in lenient.query(
        "select image_id from images where split is null")}
    # Without a manifest the image id is the dataset path.
    expected = {f"images/{image}.JPEG" for image in truth["unknown_split_without_manifest"]}
    assert unknown == expected


def test_team_clusters_json_is_read_with_its_alias_keys(small_sample, truth, tmp_path):
    run = run_dbt(tmp_path / "team", sample_vars(
        small_sample, team_clusters_path=str(small_sample / "team_clusters.json")))
    assert run.ok, run.output[-3000:]
    team = run.query("select team_cluster_id, team_image_id from stg_team__cluster_images")
    grouped = {}
    for cluster_id, image_id in team:
        grouped.setdefault(cluster_id, []).append(image_id)
    assert sorted(sorted(v) for v in grouped.values()) == truth["team_clusters"]
    assert clusters_in(run) == truth["clusters"]


def test_team_findings_csv_aliases_and_unknown_issue_types(small_sample, truth, tmp_path):
    train_id = next(i for c in truth["clusters"] for i in c if not i.startswith("ILSVRC"))
    findings = tmp_path / "findings.csv"
    findings.write_text(
        "image_id,image_path,current_label,suggested_label,confidence,issue_type\n"
        f"{train_id},,,n01440764,0.97,mislabeled\n"
        f"{train_id},,,,0.4,Blurry\n"
        f"{train_id},,,,0.3,weird_glitch\n"
        "no_such_image,,,,0.5,outlier\n"
    )
    run = run_dbt(tmp_path / "findings", sample_vars(small_sample, findings_path=str(findings)))
    assert run.ok, run.output[-3000:]
    rows = run.query(
        "select issue_type, is_known_issue_type, suggested_class_index, is_clear_mislabel "
        "from findings where finding_source = 'team_csv' and is_known_image order by 1")
    assert rows == [("blur", True, None, False), ("mislabel", True, 0, True),
                    ("weird_glitch", False, None, False)]
    warnings = {r[0] for r in run.query(
        "select check_name from input_problems where severity = 'warning'")}
    assert {"unknown_issue_type", "finding_for_unknown_image"} <= warnings
    queued = run.query(
        "select issue_type, issue_types, priority from review_queue where image_id = ?", [train_id])
    assert queued == [("mislabel", "blur;mislabel;weird_glitch", "high")]


def test_paths_with_commas_quotes_newlines_and_non_ascii_survive_the_csv_round_trip(
    copy_of_sample, truth, tmp_path
):
    import duckdb

    leaked = sorted(truth["leaked_val_images"])[0]
    odd_path = '=cmd|" quoted, comma\nnew line – ü.JPEG'
    manifest = copy_of_sample / "manifest.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select image_id, case when image_id = ? then ? else path end as path, split, "
            f"label from read_parquet('{manifest}')) to '{tmp_path / 'manifest.parquet'}' "
            "(format parquet)", [leaked, odd_path])
    for path in (copy_of_sample / "vl_export").rglob("*.json"):
        document = json.loads(path.read_text())
        for item in document["media_items"]:
            if item["file_path"].endswith(f"/{leaked}.JPEG"):
                item["file_path"] = "imagenet1k/" + odd_path
        path.write_text(json.dumps(document))
    run = run_dbt(tmp_path / "odd", sample_vars(
        copy_of_sample, manifest_path=str(tmp_path / "manifest.parquet")))
    assert run.ok, run.output[-3000:]
    with run.deliverable("train_test_leaks.csv").open(newline="", encoding="utf-8") as handle:
        rows = {r["val_image_id"]: r for r in csv.DictReader(handle)}
    assert rows[leaked]["val_image_path"] == "'" + odd_path  # leading '=' neutralised
    with run.deliverable("clean_manifest.csv").open(newline="", encoding="utf-8") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == run.query(
            "select count(*) from clean_manifest")[0][0]

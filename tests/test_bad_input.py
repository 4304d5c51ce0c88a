"""Bad input stops the build with a message naming the file, the record and the field, and
no deliverable is written. (The first cases of issue #4's corpus.)"""
import csv
import json
import shutil

import pytest

from conftest import run_dbt, sample_vars


def first_chunk(sample):
    return sorted((sample / "vl_export").glob("metadata_part_*.json"))[0]


def edit_json(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def truncate(sample):
    path = first_chunk(sample)
    path.write_bytes(path.read_bytes()[:5000])
    return {}, ["malformed or truncated JSON at line", path.name]


def items_not_a_list(sample):
    path = first_chunk(sample)
    edit_json(path, lambda d: d.update(media_items={"a": 1}))
    return {}, ["field media_items must be a list", path.name]


def confidence_not_a_number(sample):
    path = first_chunk(sample)

    def change(document):
        entry = next(e for e in document["media_items"][5]["metadata_items"] if e["type"] == "issue")
        entry["properties"]["confidence"] = "high"
    edit_json(path, change)
    return {}, ["wrong_type", "media_items[5].metadata_items[", "properties.confidence", path.name]


def contradicting_paths(sample):
    first, second = sorted((sample / "vl_export").glob("metadata_part_*.json"))[:2]
    shared = json.loads(second.read_text())["media_items"][0]["media_id"]

    def change(document):
        for item in document["media_items"]:
            if item["media_id"] == shared:
                item["file_path"] = "imagenet1k/elsewhere/other.JPEG"
    edit_json(first, change)
    return {}, ["contradicting_paths", shared]


def empty_file(sample):
    (sample / "vl_export" / "metadata_part_9999.json").write_text("")
    return {}, ["metadata_part_9999.json", "is empty"]


def absent_threshold(sample):
    return {"duplicate_threshold": 0.5}, ["threshold_absent", "duplicate_threshold"]


def repeated_manifest_id(sample):
    manifest = sample / "manifest.csv"
    with manifest.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows.append([rows[1][0], "train/extra/copy.JPEG", "train", rows[1][3]])
    with manifest.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return {"manifest_path": str(manifest)}, ["duplicate_image_id", rows[1][0], "manifest.csv"]


def unknown_tag(sample):
    log = sample / "decisions" / "alice.csv"
    with log.open("a", newline="") as handle:
        first_image = next(csv.DictReader(log.open()))["image_id"]
        csv.writer(handle).writerow(
            [first_image, "", "alice", "2026-12-01T10:00:00Z", "looks_odd", "keep", "", ""])
    return {"decisions_path": str(sample / "decisions")}, ["decision_unknown_tag", "looks_odd",
                                                          "alice.csv"]


CASES = [truncate, items_not_a_list, confidence_not_a_number, contradicting_paths, empty_file,
         absent_threshold, repeated_manifest_id, unknown_tag]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input_is_named_and_nothing_is_written(case, copy_of_sample, tmp_path):
    overrides, expected = case(copy_of_sample)
    run = run_dbt(tmp_path / "build", sample_vars(copy_of_sample, **overrides))
    assert not run.ok
    for text in expected:
        assert text in run.output, (text, run.output[-3000:])
    assert not run.deliverables_dir.exists() or not any(run.deliverables_dir.iterdir())

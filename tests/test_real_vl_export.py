"""The pipeline on a real Visual Layer export (../shared/data/real/visual-layer/metadata_8.json,
56 video frames): what it should find there, computed independently from the JSON here."""
import json

import pytest

from conftest import require_shared, run_dbt

LEVELS_FROM = 0.96


def union_find_clusters(groups):
    parent = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for members in groups.values():
        for member in members:
            find(member)
        for member in members[1:]:
            parent[find(member)] = find(members[0])
    clusters = {}
    for node in parent:
        clusters.setdefault(find(node), []).append(node)
    return sorted(sorted(c) for c in clusters.values() if len(c) > 1)


@pytest.fixture(scope="module")
def export():
    path = require_shared("visual-layer", "metadata_8.json")
    return path, json.loads(path.read_text())


def groups_at(document, keep_level):
    groups = {}
    for item in document["media_items"]:
        for entry in item["metadata_items"]:
            props = entry.get("properties", {})
            if entry["type"] == "issue" and props.get("issue_type") == "duplicates" \
                    and keep_level(props["duplicate_threshold"]):
                key = (props["duplicate_threshold"], props["duplicate_group_id"])
                groups.setdefault(key, []).append(item["file_path"])
    return groups


@pytest.fixture(scope="module")
def lenient_build(export, tmp_path_factory):
    path, _ = export
    run = run_dbt(tmp_path_factory.mktemp("real"), {
        "vl_export_path": str(path), "manifest_path": "", "decisions_path": "",
        "vl_path_prefix": "", "unknown_split_policy": "warn",
    })
    assert run.ok, run.output[-4000:]
    return run


def test_exact_clusters_match_an_independent_union_find(export, lenient_build):
    _, document = export
    expected = union_find_clusters(groups_at(document, lambda level: level == 1.0))
    rows = lenient_build.query("select cluster_id, image_id from duplicate_cluster_members")
    found = {}
    for cluster_id, image_id in rows:
        found.setdefault(cluster_id, []).append(image_id)
    assert sorted(sorted(v) for v in found.values()) == expected
    assert len(expected) == 12  # 13 groups at 1.0 in the file, one of them a singleton


def test_near_duplicates_are_the_lower_level_components_joining_exact_clusters(
    export, lenient_build
):
    _, document = export
    exact = {image: i for i, c in enumerate(
        union_find_clusters(groups_at(document, lambda level: level == 1.0))) for image in c}
    near = union_find_clusters(groups_at(document, lambda level: level >= LEVELS_FROM))
    expected = sorted(c for c in near if len({exact.get(image, image) for image in c}) > 1)
    rows = lenient_build.query("select near_cluster_id, image_id from near_duplicate_candidates")
    found = {}
    for cluster_id, image_id in rows:
        found.setdefault(cluster_id, []).append(image_id)
    assert sorted(sorted(v) for v in found.values()) == expected


def test_auto_tags_are_not_labels_and_no_split_is_invented(export, lenient_build):
    _, document = export
    auto_tags = sum(1 for item in document["media_items"] for entry in item["metadata_items"]
                    if entry["type"] == "image_label")
    assert auto_tags == 678
    assert lenient_build.query(
        "select count(*), count(class_index), count(split) from images") == [(56, 0, 0)]
    assert lenient_build.query("select count(*) from leaks") == [(0,)]
    summary = json.loads(lenient_build.deliverable("summary.json").read_text())["figures"]
    assert summary["unknown_split_images"]["all"] == 56
    assert summary["images_to_remove"]["all"] == 0


def test_default_policy_stops_on_unknown_split_inside_a_cluster(export, tmp_path):
    path, document = export
    run = run_dbt(tmp_path, {"vl_export_path": str(path), "manifest_path": "",
                             "decisions_path": "", "vl_path_prefix": ""})
    assert not run.ok
    assert "unknown_split_in_cluster" in run.output
    clustered = {image for c in union_find_clusters(
        groups_at(document, lambda level: level == 1.0)) for image in c}
    assert any(image in run.output for image in clustered)
    assert not (tmp_path / "manifests").exists() or not any((tmp_path / "manifests").iterdir())

"""The benchmark's scale profiles hold what their truth.json says, and the pipeline finds it:
checked on copies of the same shape small enough for a test (scripts/scale_profiles.py)."""
import collections
import json
import sys

import duckdb

from conftest import PROJECT, run_dbt, sample_vars

sys.path.insert(0, str(PROJECT / "scripts"))
import generate_sample_data  # noqa: E402
import scale_profiles  # noqa: E402

# ImageNet-21K's shape at 1/1000: the same strides, coprime with 13,200 too.
SMALL_21K = {**scale_profiles.IMAGENET21K, "train": 12_700, "val": 500, "duplicate_pairs": 550,
             "duplicate_triples": 100, "mislabels": 400}


def media_items(folder):
    for path in sorted((folder / "vl_export").glob("*.json")):
        yield from json.loads(path.read_text())["media_items"]


def test_imagenet21k_shape_holds_its_planted_groups_and_the_build_finds_them(tmp_path):
    sample = tmp_path / "imagenet21k"
    truth = scale_profiles.write_imagenet21k(sample, 7, generate_sample_data.CLASSES_CSV,
                                             generate_sample_data.VL_HOST, SMALL_21K)
    with duckdb.connect() as connection:
        manifest = connection.execute(
            "select image_id, split, label from read_parquet(?)",
            [str(sample / "manifest.parquet")]).fetchall()
    split_of = {image_id: split for image_id, split, _ in manifest}
    groups = collections.defaultdict(set)
    mislabels = 0
    items = list(media_items(sample))
    for item in items:
        image_id = item["file_name"].removesuffix(".JPEG")
        for entry in item["metadata_items"]:
            properties = entry["properties"]
            if properties.get("issue_type") == "duplicates":
                groups[properties["duplicate_group_id"]].add(image_id)
            mislabels += properties.get("issue_type") == "mislabels"
    counts = truth["counts"]
    assert len(manifest) == counts["total"] == 13_200
    assert len(items) == len({i["media_id"] for i in items}) == counts["exported_media_items"]
    assert sum(len(members) for members in groups.values()) == counts["duplicate_images"] == 1400
    assert sorted(collections.Counter(len(m) for m in groups.values()).items()) == [(2, 550), (3, 100)]
    assert mislabels == counts["mislabel_findings"] == 400
    leak_groups = sum(1 for m in groups.values() if len({split_of[i] for i in m}) == 2)
    assert leak_groups == counts["leak_groups"] > 0

    run = run_dbt(tmp_path / "build", sample_vars(sample, dataset_name="imagenet21k"))
    assert run.ok, run.output[-4000:]
    summary = dict(run.query(
        "select metric, figure_value from cleaning_summary where breakdown = 'all'"))
    assert summary["duplicate_images"] == counts["duplicate_images"]
    assert summary["duplicate_clusters"] == counts["duplicate_groups"]
    assert summary["leak_clusters"] == counts["leak_groups"]
    assert summary["multi_label_clusters"] == counts["multi_label_groups"]


def test_full_export_makes_every_manifest_image_a_media_item(tmp_path):
    generator = generate_sample_data.Generator("small", generate_sample_data.DEFAULT_SEED)
    generator.plan()
    sample = tmp_path / "full"
    generator.write(sample)
    items = scale_profiles.add_unflagged_items(generator, sample, generate_sample_data.uid_media,
                                               generate_sample_data.VL_HOST)
    with duckdb.connect() as connection:
        paths = {row[0] for row in connection.execute(
            "select path from read_parquet(?)", [str(sample / "manifest.parquet")]).fetchall()}
    exported = {}
    for item in media_items(sample):
        exported.setdefault(item["media_id"], set()).add(item["file_path"])
    assert items == len(exported) == len(paths)
    assert all(len(p) == 1 for p in exported.values())
    assert {p.removeprefix("imagenet1k/") for ps in exported.values() for p in ps} == paths
    assert json.loads((sample / "truth.json").read_text())["counts"]["exported_media_items"] == items

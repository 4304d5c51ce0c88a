"""Nothing is ImageNet-only: a 10-class dataset (the CIFAR-10 class list, its own file
names, the split only in a path segment, no split column in the manifest) is cleaned by
the same pipeline with other vars, and the result equals the generator's planted truth."""
import json
import subprocess
import sys

import pytest

from conftest import PROJECT, run_dbt

DATASET_VARS = {"class_list_seed": "cifar10_classes", "dataset_name": "cifar10",
                "vl_path_prefix": "cifar10/", "decisions_path": ""}


def generate(out, seed=None):
    args = [sys.executable, str(PROJECT / "scripts" / "generate_sample_data.py"),
            "--dataset", "cifar10", "--out", str(out)] + (["--seed", str(seed)] if seed else [])
    subprocess.run(args, check=True, capture_output=True, text=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def ten_class(tmp_path_factory):
    sample = generate(tmp_path_factory.mktemp("cifar10") / "sample")
    truth = json.loads((sample / "truth.json").read_text())
    run = run_dbt(tmp_path_factory.mktemp("cifar10_build"), {
        **DATASET_VARS, "vl_export_path": str(sample / "vl_export"),
        "manifest_path": str(sample / "manifest.csv")})
    assert run.ok, run.output[-4000:]
    return run, truth, sample


def test_generator_is_deterministic_and_not_imagenet(tmp_path):
    first, second = generate(tmp_path / "a", seed=7), generate(tmp_path / "b", seed=7)
    for path in sorted(p for p in first.rglob("*") if p.is_file()):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path
    text = "".join(p.read_text() for p in first.rglob("*") if p.is_file())
    assert "ILSVRC" not in text and "imagenet" not in text.lower()
    assert not any(token.startswith("n0") and token[1:9].isdigit()
                   for token in text.replace("/", " ").replace('"', " ").split())


def test_clusters_leaks_and_removals_match_the_planted_truth(ten_class):
    run, truth, _ = ten_class
    clusters = {}
    for cluster_id, image_id in run.query(
            "select cluster_id, image_id from duplicate_cluster_members"):
        clusters.setdefault(cluster_id, []).append(image_id)
    assert sorted(sorted(c) for c in clusters.values()) == truth["clusters"]
    leaked = dict(run.query("select image_id, labels_agree from leaked_val_images"))
    assert leaked == {k: v["labels_agree"] for k, v in truth["leaked_val_images"].items()}
    assert dict(run.query("select image_id, reason from val_removals")) == truth["val_removals"]
    multi = run.query("select cluster_id from duplicate_clusters where is_multi_label")
    assert len(multi) == len(truth["multi_label_clusters"])
    # Every label resolved through the 10-class seed (names, indexes and synonyms).
    labels = dict(run.query("select image_id, class_name from images where image_id in"
                            " (select image_id from duplicate_cluster_members)"))
    assert labels == {i: truth["labels"][i] for i in labels}
    assert run.query("select split_source, count(*) from images group by 1") == [
        ("path_segment", truth["counts"]["total"])]


def test_deliverables_carry_the_dataset_name(ten_class):
    run, truth, _ = ten_class
    names = sorted(p.name for p in run.deliverables_dir.iterdir())
    assert names and all(n.startswith("cifar10_") for n in names), names
    removed = run.deliverable("val_removal_list.txt", "cifar10").read_text().split()
    assert removed == sorted(truth["val_removals"])
    summary = json.loads(run.deliverable("summary.json", "cifar10").read_text())
    assert summary["dataset"] == "cifar10"
    assert summary["figures"]["leaked_val_images"]["all"] == truth["counts"]["leaked_val_images"]
    exclude = run.deliverable("exclude.csv", "cifar10").read_text().split()
    assert exclude[0] == "filename"
    assert set(exclude[1:]) == {f"cifar10/val/{truth['labels'][i]}/{i}.png"
                                for i in truth["val_removals"]}

"""Reviewer decisions flow into the final removal list, relabel map, agreement and conflicts
exactly as R6-R9 say; checked against an independent reading of the logs, and against the
real MTurk label-error study (five votes per ImageNet val image)."""
import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, require_shared, run_dbt, sample_vars


def latest_decisions(decisions_dir):
    """Each reviewer's latest row per image, read straight from the CSV logs."""
    latest = {}
    for path in sorted(Path(decisions_dir).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row_number, row in enumerate(csv.DictReader(handle)):
                key = (row["reviewer"], row["image_id"])
                stamp = (row["decided_at"], row_number)
                if key not in latest or stamp >= latest[key][0]:
                    latest[key] = (stamp, row)
    by_image = {}
    for (reviewer, image_id), (_, row) in latest.items():
        by_image.setdefault(image_id, {})[reviewer] = row
    return by_image


def final_decision(rows):
    votes = {(r["action"], r["new_label"] if r["action"] == "relabel" else "")
             for r in rows.values() if r["action"] != "defer"}
    return next(iter(votes)) if len(votes) == 1 else None


def test_final_lists_follow_the_reviewers_and_the_policy(reviewed_build, small_sample, truth):
    decisions = latest_decisions(small_sample / "decisions")
    splits = dict(reviewed_build.query("select image_id, split from images"))
    labels = dict(reviewed_build.query("select image_id, class_index from images"))
    rule_removals = set(truth["val_removals"])

    overridden, reviewed_removals, blocked, relabels = set(), set(), set(), {}
    for image_id, rows in decisions.items():
        decided = final_decision(rows)
        if decided is None:
            continue
        action, new_label = decided
        tags = {t for r in rows.values() if r["action"] == action for t in r["tags"].split(";")}
        if image_id in rule_removals:
            if action == "keep" and "not_duplicate" in tags:
                overridden.add(image_id)
        elif action == "remove":
            (blocked if splits[image_id] == "train" else reviewed_removals).add(image_id)
        elif action == "relabel" and int(new_label) != labels[image_id]:
            relabels[image_id] = int(new_label)

    assert overridden and blocked and relabels  # the demo logs exercise every path
    expected_removals = sorted((rule_removals - overridden) | reviewed_removals)
    final_list = reviewed_build.deliverable("final_removal_list.txt").read_text().splitlines()
    assert final_list == expected_removals
    relabel_map = json.loads(reviewed_build.deliverable("relabel_map.json").read_text())
    assert relabel_map == {k: relabels[k] for k in sorted(relabels)}
    assert list(relabel_map) == sorted(relabel_map)
    assert {r[0] for r in reviewed_build.query("select image_id from blocked_train_removals")} == blocked
    assert {r[0] for r in reviewed_build.query("select image_id from leak_overrides")} == overridden

    summary = json.loads(reviewed_build.deliverable("summary.json").read_text())["figures"]
    assert summary["images_to_relabel"]["all"] == len(relabels)
    assert summary["blocked_train_removals"]["all"] == len(blocked)
    assert summary["final_removals"]["all"] == len(expected_removals)
    assert summary["clean_size"]["all"] == truth["counts"]["total"] - len(expected_removals)


def test_conflicts_and_agreement_match_the_logs(reviewed_build, small_sample):
    decisions = latest_decisions(small_sample / "decisions")
    conflicted = sorted(image for image, rows in decisions.items()
                        if len(rows) > 1 and final_decision(rows) is None
                        and any(r["action"] != "defer" for r in rows.values()))
    with reviewed_build.deliverable("review_conflicts.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted({r["image_id"] for r in rows}) == conflicted
    both = [rows_ for rows_ in decisions.values() if {"alice", "bob"} <= set(rows_)]
    agree = sum(1 for r in both if r["alice"]["action"] == r["bob"]["action"])
    with reviewed_build.deliverable("reviewer_agreement.csv").open(newline="") as handle:
        agreement = {r["measure"]: r for r in csv.DictReader(handle)}
    assert int(agreement["action"]["images_in_common"]) == len(both)
    assert int(agreement["action"]["agreements"]) == agree
    assert abs(float(agreement["action"]["percent_agreement"]) - 100 * agree / len(both)) < 0.01


def test_tagged_manifest_and_exclude_file(reviewed_build):
    with reviewed_build.deliverable("tagged_manifest.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    flagged = reviewed_build.query(
        "select count(*) from findings where is_known_image")[0][0] + reviewed_build.query(
        "select count(*) from duplicate_cluster_members")[0][0] + reviewed_build.query(
        "select count(*) from near_duplicate_candidates")[0][0]
    assert len(rows) == flagged
    removed = set(reviewed_build.deliverable("final_removal_list.txt").read_text().split())
    assert {r["image_id"] for r in rows if r["final_action"] == "remove"} <= removed
    assert any(r["user_tags"] and r["reviewers"] for r in rows)
    with reviewed_build.deliverable("exclude.csv").open(newline="") as handle:
        exclude = list(csv.DictReader(handle))
    assert list(exclude[0]) == ["filename"] and len(exclude) == len(removed)
    assert all(r["filename"].startswith("imagenet1k/") for r in exclude)
    kept = reviewed_build.query("select count(*) from clean_manifest")[0][0]
    with reviewed_build.deliverable("clean_manifest.csv").open(newline="") as handle:
        assert sum(1 for _ in handle) == kept + 1


def test_review_queue_is_in_policy_order(reviewed_build):
    queue = json.loads(reviewed_build.deliverable("review_queue.json").read_text())
    items = queue["items"]
    assert [i["priority_rank"] for i in items] == list(range(1, len(items) + 1))
    first_kinds = [i["issue_type"] for i in items[:5]]
    assert first_kinds[0] == "mislabel" and items[0]["confidence"] > 0.9
    assert all(i["members"] for i in items if i["item_kind"] == "cluster")
    buckets = ["mislabel" if i["issue_type"] == "mislabel" and (i["confidence"] or 0) > 0.9
               else i["issue_type"] for i in items]
    assert buckets.index("train_val_leak") < buckets.index("outlier")
    assert {"decided", "conflict", "new"} <= {i["state"] for i in items}


def test_mturk_label_error_study_as_five_reviewers(tmp_path):
    """Northcutt et al.'s 5,440 flagged val images, each voted on by 5 MTurk workers, fed in
    as five reviewers: unanimous votes decide, anything else is a conflict (R8)."""
    study = json.loads(require_shared("imagenet", "imagenet_mturk.json").read_text())
    ground_truth = require_shared("imagenet", "val_ground_truth.csv")
    manifest = tmp_path / "val_manifest.csv"
    subprocess.run([sys.executable, str(PROJECT / "scripts" / "manifest_from_val_ground_truth.py"),
                    str(ground_truth), "--out", str(manifest)], check=True, capture_output=True)
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"info": {"schema_version": "1.1"}, "media_items": [
        {"media_id": "m1", "media_type": "image", "file_name": "ILSVRC2012_val_00000001.JPEG",
         "file_path": "imagenet1k/val/n01751748/ILSVRC2012_val_00000001.JPEG",
         "metadata_items": []}]}))
    logs = tmp_path / "reviews"
    logs.mkdir()
    votes_of = {"given": ("keep", "", ""), "guessed": ("relabel", "relabel", None),
                "neither": ("remove", "mislabel_confirmed", ""), "both": ("keep", "multi_label", "")}
    writers = []
    for n in range(5):
        handle = (logs / f"worker{n}.csv").open("w", newline="", encoding="utf-8")
        writer = csv.writer(handle)
        writer.writerow(["image_id", "cluster_id", "reviewer", "decided_at", "tags", "action",
                         "new_label", "note"])
        writers.append((handle, writer))
    expected = {"keep": 0, "relabel": 0, "remove": 0, "conflict": 0}
    for entry in study:
        image_id = f"ILSVRC2012_val_{entry['id']:08d}"
        ballots = [kind for kind in ("given", "guessed", "neither", "both")
                   for _ in range(entry["mturk"][kind])]
        for n, kind in enumerate(ballots):
            action, tags, new_label = votes_of[kind]
            label = str(entry["our_guessed_label"]) if new_label is None else new_label
            writers[n][1].writerow([image_id, "", f"worker{n}", "2026-11-30T12:00:00Z", tags,
                                    action, label, ""])
        decided = {votes_of[kind][0] for kind in ballots}
        expected[decided.pop() if len(decided) == 1 else "conflict"] += 1
    for handle, _ in writers:
        handle.close()

    run = run_dbt(tmp_path / "build", {
        "vl_export_path": str(export), "manifest_path": str(manifest),
        "decisions_path": str(logs), "unknown_split_policy": "warn",
    })
    assert run.ok, run.output[-4000:]
    states = dict(run.query("select decision_state, count(*) from review_decisions group by 1"))
    assert states.get("conflict", 0) == expected["conflict"]
    actions = dict(run.query(
        "select final_action, count(*) from review_decisions where decision_state = 'decided' "
        "group by 1"))
    assert actions == {k: v for k, v in expected.items() if k != "conflict" and v}
    assert run.query("select count(*) from relabels")[0][0] == expected["relabel"]
    assert len(run.deliverable("final_removal_list.txt").read_text().split()) == expected["remove"]
    assert sum(expected.values()) == len(study) == 5440


def test_reviewed_only_policy_lets_reviewers_remove_train_images(reviewed_build, small_sample,
                                                                 tmp_path):
    blocked = {r[0] for r in reviewed_build.query("select image_id from blocked_train_removals")}
    assert blocked
    run = run_dbt(tmp_path, sample_vars_with_decisions(small_sample,
                                                       train_removal_policy="reviewed_only"))
    assert run.ok, run.output[-3000:]
    assert run.query("select count(*) from blocked_train_removals") == [(0,)]
    removed_train = {r[0] for r in run.query(
        "select image_id from final_removals where split = 'train' and reason = 'reviewed_remove'")}
    assert removed_train == blocked
    final_list = set(run.deliverable("final_removal_list.txt").read_text().split())
    assert blocked <= final_list


def test_a_policy_var_outside_its_choices_stops_the_build(small_sample, tmp_path):
    run = run_dbt(tmp_path, sample_vars_with_decisions(small_sample, multi_label_policy="delete"))
    assert not run.ok
    assert "var multi_label_policy = delete is not one of review, remove_val" in run.output


def sample_vars_with_decisions(sample, **overrides):
    return sample_vars(sample, decisions_path=str(sample / "decisions"), **overrides)

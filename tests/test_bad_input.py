"""The bad-input corpus (issue #4): every broken or hostile input with the error or warning
it must produce, named by file, record and field.

Each case plants one problem in a private copy of the generated small sample and says what
the build must answer. Cases of one GROUP share one build, so the corpus stays within a
few minutes: the input inventory checks every file before it stops, and the record-level
checks of one stage are reported together, so the cases of one stage share a build (only
inputs that exclude each other need their own); warnings do not stop the build and all
share one successful build, whose cleaning_summary must count every kind. An error build starts from a previous deliverable
set (a successful build's) and must leave it byte for byte as it was.
"""
import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import run_dbt, sample_vars

DECISION_HEADER = ["image_id", "cluster_id", "reviewer", "decided_at", "tags", "action",
                   "new_label", "note"]
FORMULA_ID = '=HYPERLINK("http://attacker.invalid","open")'
HTML_LABEL = '<img src=x onerror="alert(1)">'


class Sample:
    """A private copy of the small sample with helpers to break it; the manifest is kept
    in memory (as CSV rows) and written once, after every plant of a group."""

    def __init__(self, root):
        self.root = Path(root)
        self.truth = json.loads((self.root / "truth.json").read_text())
        self._rows = None
        self.manifest_bom = False
        self.manifest_crlf = False

    # ---- VL export
    def chunk(self, number):
        return sorted((self.root / "vl_export").glob("metadata_part_*.json"))[number]

    def cluster_files(self):
        return sorted((self.root / "vl_export" / "clusters").glob("*.json"))

    @staticmethod
    def edit_json(path, change):
        document = json.loads(path.read_text())
        change(document)
        path.write_text(json.dumps(document))
        return document

    def items(self, path):
        return json.loads(path.read_text())["media_items"]

    def exported_paths(self):
        paths = set()
        for path in sorted((self.root / "vl_export").rglob("*.json")):
            paths |= {i["file_path"].removeprefix("imagenet1k/") for i in self.items(path)
                      if isinstance(i, dict) and isinstance(i.get("file_path"), str)}
        return paths

    # ---- manifest (CSV)
    @property
    def rows(self):
        if self._rows is None:
            with (self.root / "manifest.csv").open(newline="") as handle:
                self._rows = list(csv.DictReader(handle))
            self.manifest_changed = False
        return self._rows

    def row_of(self, image_id):
        return next(i for i, r in enumerate(self.rows) if r["image_id"] == image_id)

    def unexported_rows(self, count, skip=0):
        """Manifest rows of images the VL export does not mention, by position."""
        exported = self.exported_paths()
        found = [i for i, r in enumerate(self.rows) if r["path"] not in exported
                 and r["path"].startswith("train/")]
        return found[skip:skip + count]

    def set_manifest(self, index, **values):
        self.rows[index].update(values)
        self.manifest_changed = True

    def save_manifest(self):
        if self._rows is None or not self.manifest_changed:
            return {}
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(self._rows[0]),
                                lineterminator="\r\n" if self.manifest_crlf else "\n")
        writer.writeheader()
        writer.writerows(self._rows)
        data = ("\ufeff" if self.manifest_bom else "") + text.getvalue()
        (self.root / "manifest.csv").write_bytes(data.encode("utf-8"))
        return {"manifest_path": str(self.root / "manifest.csv")}

    # ---- decision logs
    def write_decisions(self, name, rows, bom=False, crlf=False):
        folder = self.root / "my_decisions"
        folder.mkdir(exist_ok=True)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(DECISION_HEADER)
        writer.writerows(rows)
        (folder / name).write_bytes((("\ufeff" if bom else "") + text.getvalue()).encode())
        return folder / name

    def mislabelled(self, number):
        return sorted(self.truth["mislabels"])[number]


def duplicates_entry_index(item):
    return next(j for j, e in enumerate(item["metadata_items"])
                if (e.get("properties") or {}).get("issue_type") == "duplicates")


def line(check, file, record, field):
    """How stop_on_input_errors names one finding."""
    return f"{check}: file {file}, {record}, field {field}"


# ============================================================================================
# Errors found while listing and reading the files (stg_inputs__files). The inventory checks
# every file before it stops, so the broken files of one group share one build.
# ============================================================================================

def truncated_json(s):
    path = s.chunk(0)
    path.write_bytes(path.read_bytes()[:5000])
    return {}, [f"{path}: malformed or truncated JSON at line"]


def malformed_json(s):
    path = s.chunk(1)
    path.write_text(path.read_text().replace('"media_type":"image"', '"media_type":image"', 1))
    return {}, [f"{path}: malformed or truncated JSON at line 1 column"]


def top_level_list(s):
    path = s.chunk(2)
    path.write_text(json.dumps(s.items(path)))
    return {}, [f"{path}: top level is a JSON list"]


def items_not_a_list(s):
    path = s.chunk(3)
    s.edit_json(path, lambda d: d.update(media_items={"a": 1}))
    return {}, [f"{path}: field media_items must be a list"]


def record_not_an_object(s):
    path = s.cluster_files()[0]
    s.edit_json(path, lambda d: d["media_items"].__setitem__(1, "not a record"))
    return {}, [f"{path}: record media_items[1] must be an object"]


def metadata_items_not_a_list(s):
    path = s.cluster_files()[1]
    s.edit_json(path, lambda d: d["media_items"][0].update(metadata_items={"type": "issue"}))
    return {}, [f"{path}: record media_items[0], field metadata_items must be a list"]


def empty_file(s):
    path = s.root / "vl_export" / "metadata_part_9999.json"
    path.write_text("")
    return {}, [f"input file '{path}' is empty"]


def non_utf8_json(s):
    path = s.cluster_files()[2]
    data = path.read_bytes()
    at = data.index(b'"media_type":"image"') + len(b'"media_type":"im')
    path.write_bytes(data[:at] + b"\xff\xfe" + data[at:])
    return {}, [f"{path}: not UTF-8 text"]


def json_file_above_max_size(s):
    big = s.root / "vl_export" / "metadata_part_big.json"
    data = s.cluster_files()[3].read_bytes()
    big.write_bytes(data[:-2] + b" " * (1_100_000 - len(data)) + data[-2:])
    return {"json_max_file_mb": 1}, [f"input file '{big}' is 1.0 MB, above var json_max_file_mb = 1 MB"]


def non_utf8_manifest(s):
    path = s.root / "manifest.csv"
    lines = path.read_bytes().split(b"\n")
    lines[41] = lines[41].replace(b"_val_", b"_v\xe4l_", 1)  # Latin-1, not UTF-8
    path.write_bytes(b"\n".join(lines))
    return {"manifest_path": str(path)}, [f"'{path}': not UTF-8 text at line 42", "0xe4"]


def _team_file(s, name, change):
    folder = s.root / "team"
    folder.mkdir(exist_ok=True)
    document = json.loads((s.root / "team_clusters.json").read_text())
    path = folder / name
    path.write_text(change(document))
    return {"team_clusters_path": str(folder)}, path


def team_clusters_truncated(s):
    overrides, path = _team_file(s, "truncated.json", lambda d: json.dumps(d)[:300])
    return overrides, [f"Bad input in the team clusters file: {path}: malformed or truncated JSON"]


def team_clusters_wrong_shape(s):
    overrides, path = _team_file(s, "wrong_shape.json",
                                 lambda d: json.dumps({"groups": d["clusters"]}))
    return overrides, [f"{path}: top level has no clusters (or duplicates) field"]


def team_cluster_image_without_id(s):
    def change(document):
        members = document["clusters"][1].get("images") or document["clusters"][1]["members"]
        members[0] = {"label": members[0].get("label", 1)}
        return json.dumps(document)
    overrides, path = _team_file(s, "no_id.json", change)
    return overrides, [f"{path}: record clusters[1].images[0], field id (or path)"]


def zip_member_escaping_the_folder(s):
    archive = s.root / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted((s.root / "vl_export").rglob("*.json")):
            handle.write(path, path.relative_to(s.root / "vl_export"))
        handle.writestr("../../escaped.json", '{"info": {}, "media_items": []}')
    return {"vl_export_path": str(archive)}, [
        f"{archive}: archive member '../../escaped.json' would be written outside the unpack folder"]


def missing_manifest_path(s):
    path = s.root / "no_such_manifest.csv"
    return {"manifest_path": str(path)}, [f"manifest_path = '{path}': no such file or folder"]


def empty_export_folder(s):
    (s.root / "empty_export").mkdir()
    return {"vl_export_path": str(s.root / "empty_export")}, [
        f"vl_export_path = '{s.root / 'empty_export'}': no .json or .parquet or .csv files found there"]


def empty_manifest_file(s):
    path = s.root / "empty_manifest.csv"
    path.write_text("")
    return {"manifest_path": str(path)}, [f"manifest_path: input file '{path}' is empty"]


def missing_export_path(s):
    path = s.root / "no_such_export"
    return {"vl_export_path": str(path)}, [f"vl_export_path = '{path}': no such file or folder"]


def export_path_not_set(s):
    return {"vl_export_path": ""}, ["vl_export_path is not set"]


def zero_media_items(s):
    path = s.root / "no_items.json"
    path.write_text(json.dumps({"info": {"schema_version": "1.1"}, "media_items": []}))
    return {"vl_export_path": str(path)}, [
        f"vl_export_path = '{path}': the VL export holds no media items"]


def unknown_policy_value(s):
    return {"unknown_split_policy": "sometimes"}, [
        "var unknown_split_policy = sometimes is not one of error, warn"]


# ============================================================================================
# Record-level errors (int_input_file_problems_collected): reported together, one build.
# ============================================================================================

def missing_media_id(s):
    path = s.chunk(0)
    s.edit_json(path, lambda d: d["media_items"][7].pop("media_id"))
    return {}, [line("missing_media_id", path, "media_items[7]", "media_id = missing")]


def media_id_not_a_string(s):
    path = s.chunk(0)
    s.edit_json(path, lambda d: d["media_items"][8].update(media_id=12345))
    return {}, [line("missing_media_id", path, "media_items[8]", "media_id = UBIGINT")]


def missing_file_path(s):
    path = s.chunk(0)
    s.edit_json(path, lambda d: d["media_items"][9].pop("file_path"))
    return {}, [line("missing_file_path", path, "media_items[9]", "file_path = missing")]


def file_path_not_a_string(s):
    path = s.chunk(0)
    s.edit_json(path, lambda d: d["media_items"][10].update(file_path=["a.JPEG", "b.JPEG"]))
    return {}, [line("missing_file_path", path, "media_items[10]", "file_path = ARRAY")]


def confidence_not_a_number(s):
    path = s.chunk(0)
    item = s.items(path)[5]
    j = next(j for j, e in enumerate(item["metadata_items"]) if e["type"] == "issue")
    s.edit_json(path, lambda d: d["media_items"][5]["metadata_items"][j]["properties"].update(
        confidence="high"))
    return {}, [line("wrong_type", path, f"media_items[5].metadata_items[{j}]",
                     "properties.confidence = high")]


def _item_with_duplicates(s, path, start):
    items = s.items(path)
    return next(i for i in range(start, len(items)) if any(
        (e.get("properties") or {}).get("issue_type") == "duplicates"
        for e in items[i]["metadata_items"]))


def threshold_not_a_number(s):
    path = s.chunk(2)
    i = _item_with_duplicates(s, path, 20)
    j = duplicates_entry_index(s.items(path)[i])
    s.edit_json(path, lambda d: d["media_items"][i]["metadata_items"][j]["properties"].update(
        duplicate_threshold="one"))
    return {}, [line("wrong_type", path, f"media_items[{i}].metadata_items[{j}]",
                     "properties.duplicate_threshold = one")]


def duplicates_issue_without_threshold(s):
    path = s.chunk(2)
    i = _item_with_duplicates(s, path, 40)
    j = duplicates_entry_index(s.items(path)[i])
    s.edit_json(path, lambda d: d["media_items"][i]["metadata_items"][j]["properties"].pop(
        "duplicate_threshold"))
    return {}, [line("missing_duplicate_threshold", path, f"media_items[{i}].metadata_items[{j}]",
                     "properties.duplicate_threshold")]


def contradicting_paths(s):
    first, second = s.chunk(0), s.chunk(1)
    shared = s.items(second)[0]["media_id"]

    def change(document):
        for item in document["media_items"]:
            if item.get("media_id") == shared:
                item["file_path"] = "imagenet1k/elsewhere/other.JPEG"
    s.edit_json(first, change)
    return {}, ["contradicting_paths", f"media_id {shared}, field file_path"]


def contradicting_labels(s):
    cluster_file = s.cluster_files()[0]
    item = s.items(cluster_file)[0]
    j = next(j for j, e in enumerate(item["metadata_items"]) if e["type"] == "image_label"
             and e["properties"]["source"] == "User")
    s.edit_json(cluster_file, lambda d: d["media_items"][0]["metadata_items"][j]["properties"]
                .update(category_name="n01440764" if item["metadata_items"][j]["properties"]
                        ["category_name"] != "n01440764" else "n01443537"))
    return {}, [f"contradicting_labels: media_id {item['media_id']}, "
                "field image_label.category_name"]


def two_media_items_one_image(s):
    path = s.chunk(3)
    twin = dict(s.items(path)[0], media_id="00000000-0000-4000-8000-00000000beef")
    s.edit_json(path, lambda d: d["media_items"].append(twin))
    dataset_path = twin["file_path"].removeprefix("imagenet1k/")
    image_id = next(r["image_id"] for r in s.rows if r["path"] == dataset_path)
    media_ids = ", ".join(sorted([twin["media_id"], s.items(path)[0]["media_id"]]))
    return {}, [f"image_id_collision: image {image_id}, field media_id = {media_ids}"]


def repeated_manifest_id(s):
    first = s.rows[0]
    s.rows.append({**first, "path": "train/extra/copy.JPEG", "split": "train"})
    s.manifest_changed = True
    return {}, ["duplicate_image_id", f"rows 1, {len(s.rows)}, field image_id = {first['image_id']}",
                "manifest.csv"]


def manifest_row_without_id(s):
    index = s.unexported_rows(1)[0]
    s.set_manifest(index, image_id="")
    return {}, [line("missing_image_id", s.root / "manifest.csv", f"row {index + 1}", "image_id")]


def manifest_row_without_path(s):
    index = s.unexported_rows(1, skip=1)[0]
    s.set_manifest(index, path="")
    return {}, [line("missing_image_path", s.root / "manifest.csv", f"row {index + 1}",
                     "path = " + s.rows[index]["image_id"])]


def duplicate_manifest_path(s):
    a, b = s.unexported_rows(2, skip=2)
    s.set_manifest(b, path=s.rows[a]["path"])
    rows = ", ".join(sorted([str(a + 1), str(b + 1)]))
    return {}, [line("duplicate_image_path", s.root / "manifest.csv", f"rows {rows}",
                     "path = " + s.rows[a]["path"])]


# Header-level errors (the same checks model): a var the export cannot answer and a manifest
# without a path column.
def absent_threshold(s):
    return {"duplicate_threshold": 0.5}, [
        "threshold_absent", "duplicates issues, field duplicate_threshold = 0.5"]


def manifest_without_path_column(s):
    path = s.root / "manifest_no_path.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_id", "split", "label"])
        writer.writerows([r["image_id"], r["split"], r["label"]] for r in s.rows)
    return {"manifest_path": str(path)}, [
        line("manifest_missing_column", path, "header", "path"), "under any alias"]


# ============================================================================================
# Image- and decision-level errors (input_problems): one build.
# ============================================================================================

def _decisions(s):
    if not hasattr(s, "decision_rows"):
        s.decision_rows = []
    return s.decision_rows


def _decision(s, **values):
    row = {"image_id": s.mislabelled(0), "cluster_id": "", "reviewer": "carol",
           "decided_at": "2026-12-01T10:00:00Z", "tags": "keep", "action": "keep",
           "new_label": "", "note": "", **values}
    rows = _decisions(s)
    rows.append([row[c] for c in DECISION_HEADER])
    path = s.write_decisions("carol.csv", rows)
    return {"decisions_path": str(path.parent)}, path, len(rows)


def decision_unknown_image(s):
    overrides, path, n = _decision(s, image_id="no_such_image_1")
    return overrides, [line("decision_unknown_image", path, f"row {n}", "image_id = no_such_image_1")]


def decision_unknown_cluster(s):
    overrides, path, n = _decision(s, image_id="", cluster_id="no_such_cluster")
    return overrides, [line("decision_unknown_cluster", path, f"row {n}",
                            "cluster_id = no_such_cluster")]


def decision_without_image(s):
    overrides, path, n = _decision(s, image_id="", cluster_id="")
    return overrides, [line("decision_without_image", path, f"row {n}", "image_id")]


def decision_unknown_tag(s):
    overrides, path, n = _decision(s, tags="looks_odd")
    return overrides, [line("decision_unknown_tag", path, f"row {n}", "tags = looks_odd")]


def decision_unknown_action(s):
    overrides, path, n = _decision(s, image_id=s.mislabelled(1), action="approve")
    return overrides, [line("decision_unknown_action", path, f"row {n}", "action = approve")]


def decision_action_contradicts_tag(s):
    overrides, path, n = _decision(s, image_id=s.mislabelled(2), tags="relabel_to_3")
    return overrides, [line("decision_action_contradicts_tag", path, f"row {n}", "action = keep")]


def relabel_without_new_label(s):
    overrides, path, n = _decision(s, image_id=s.mislabelled(3), tags="relabel", action="relabel")
    return overrides, [line("decision_relabel_without_new_label", path, f"row {n}", "new_label"),
                       "relabel needs a new_label"]


def relabel_to_no_class(s):
    overrides, path, n = _decision(s, image_id=s.mislabelled(4), tags="relabel", action="relabel",
                                   new_label="not_a_class")
    return overrides, [line("decision_relabel_without_new_label", path, f"row {n}",
                            "new_label = not_a_class"), "the new label names no class"]


def relabel_to_ambiguous_class(s):
    overrides, path, n = _decision(s, image_id=s.mislabelled(5), tags="relabel", action="relabel",
                                   new_label="missile")
    return overrides, [line("decision_relabel_without_new_label", path, f"row {n}",
                            "new_label = missile"), "names more than one class"]


def relabel_to_current_label(s):
    image_id = s.mislabelled(6)
    current = str(s.truth["mislabels"][image_id]["label"])
    overrides, path, n = _decision(s, image_id=image_id, tags="relabel", action="relabel",
                                   new_label=current)
    return overrides, [line("decision_relabel_to_current_label", path, f"row {n}",
                            f"new_label = {current}")]


def decision_bad_timestamp(s):
    overrides, path, n = _decision(s, image_id=s.mislabelled(7), decided_at="yesterday 5pm")
    return overrides, [line("decision_bad_decided_at", path, f"row {n}",
                            "decided_at = yesterday 5pm")]


def decision_without_reviewer(s):
    _decision(s)  # the folder
    path = s.root / "my_decisions" / "shared.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DECISION_HEADER)
        writer.writerow([s.mislabelled(8), "", "dave", "2026-12-01T10:00:00Z", "keep", "keep", "", ""])
        writer.writerow([s.mislabelled(9), "", "", "2026-12-01T10:01:00Z", "keep", "keep", "", ""])
    return {"decisions_path": str(path.parent)}, [
        line("decision_missing_reviewer", path, "row 2", "reviewer = dave"),
        "the file is shared by other reviewers"]


def unknown_split_in_cluster(s):
    expected = []
    for image_id in s.truth["unknown_split_in_clusters_without_manifest"]:
        s.set_manifest(s.row_of(image_id), split="")
        expected.append(re.compile(
            rf"unknown_split_in_cluster: file [^,]+\.json, image {image_id}, field split"))
    return {}, expected


# ============================================================================================
# Warnings: suspicious but usable. One successful build; each kind counted in the summary.
# A warning case returns the rows input_problems must hold: (check, record, field, value).
# ============================================================================================

def label_naming_no_class(s):
    index = s.unexported_rows(1, skip=10)[0]
    s.set_manifest(index, label="not_a_class")
    return {}, [("label_unresolved", f"image {s.rows[index]['image_id']}", "manifest", "not_a_class")]


def label_naming_two_classes(s):
    index = s.unexported_rows(1, skip=11)[0]
    s.set_manifest(index, label="missile")
    return {}, [("label_ambiguous", f"image {s.rows[index]['image_id']}", "manifest", "missile")]


def html_in_label(s):
    index = s.unexported_rows(1, skip=12)[0]
    s.set_manifest(index, label=HTML_LABEL)
    s.html_image = s.rows[index]["image_id"]
    return {}, [("label_unresolved", f"image {s.html_image}", "manifest", HTML_LABEL)]


def vl_label_disagrees_with_manifest(s):
    image_id = next(i for i in sorted(s.truth["ground_truth_label_text"])
                    if i in {r["image_id"] for r in s.rows} and not i.startswith("img_"))
    index = s.row_of(image_id)
    other = str((int(s.rows[index]["label"]) + 500) % 1000)
    s.set_manifest(index, label=other)
    return {}, [("label_disagrees_with_manifest", f"image {image_id}",
                 "image_label.category_name", s.truth["ground_truth_label_text"][image_id])]


def vl_item_outside_the_manifest(s):
    path = s.chunk(1)
    item = json.loads(json.dumps(s.items(path)[3]))
    item.update(media_id="00000000-0000-4000-8000-0000000000aa", file_name="n09999999_1.JPEG",
                file_path="imagenet1k/train/n09999999/n09999999_1.JPEG")
    item["metadata_items"] = [e for e in item["metadata_items"]
                              if (e.get("properties") or {}).get("issue_type") != "duplicates"]
    s.edit_json(path, lambda d: d["media_items"].append(item))
    return {}, [("not_in_manifest", "image train/n09999999/n09999999_1.JPEG", "file_path",
                 "train/n09999999/n09999999_1.JPEG")]


def split_value_not_a_split(s):
    index = s.unexported_rows(1, skip=13)[0]
    s.set_manifest(index, split="holdout")
    return {}, [("unrecognised_split_value", f"row {index + 1}", "split", "holdout")]


def two_split_tags_on_one_item(s):
    path = s.chunk(2)
    item = s.items(path)[30]
    tags = [{"type": "user_tag", "properties": {"tag_name": "train"}},
            {"type": "user_tag", "properties": {"tag_name": "val"}}]
    s.edit_json(path, lambda d: d["media_items"][30]["metadata_items"].extend(tags))
    return {}, [("contradicting_split_tags", f"media_id {item['media_id']}", "user_tag.tag_name", "2")]


def unknown_split_outside_clusters(s):
    in_clusters = set(s.truth["unknown_split_in_clusters_without_manifest"])
    expected = []
    for image_id in s.truth["unknown_split_without_manifest"]:
        if image_id not in in_clusters:
            s.set_manifest(s.row_of(image_id), split="")
            expected.append(("unknown_split", f"image {image_id}", "split", None))
    return {}, expected


def unknown_split_in_cluster_under_warn(s):
    expected = []
    for image_id in s.truth["unknown_split_in_clusters_without_manifest"]:
        s.set_manifest(s.row_of(image_id), split="")
        expected.append(("unknown_split_in_cluster", f"image {image_id}", "split", None))
    return {"unknown_split_policy": "warn"}, expected


def _findings(s, row):
    if not hasattr(s, "finding_rows"):
        s.finding_rows = []
    s.finding_rows.append(row)
    path = s.root / "findings.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_id", "image_path", "current_label", "suggested_label",
                         "confidence", "issue_type"])
        writer.writerows(s.finding_rows)
    return {"findings_path": str(path)}


def finding_of_unknown_issue_type(s):
    image_id = s.mislabelled(10)
    overrides = _findings(s, [image_id, "", "", "", "0.7", "Weird Thing"])
    return overrides, [("unknown_issue_type", f"image {image_id}", "issue_type", "weird thing")]


def finding_for_unknown_image(s):
    overrides = _findings(s, ["no_such_image_2", "", "", "", "0.7", "mislabel"])
    return overrides, [("finding_for_unknown_image", "image no_such_image_2", "image_id",
                        "no_such_image_2")]


def _warning_decisions(s, row):
    if not hasattr(s, "warning_decisions"):
        s.warning_decisions = []
    s.warning_decisions.append(row)
    # BOM and CRLF, as a spreadsheet saves it: the log must read the same.
    path = s.write_decisions("erin.csv", s.warning_decisions, bom=True, crlf=True)
    return {"decisions_path": str(path.parent)}, path, len(s.warning_decisions)


def new_label_on_a_keep(s):
    overrides, path, n = _warning_decisions(
        s, [s.mislabelled(11), "", "erin", "2026-12-01T10:00:00Z", "keep", "keep", "7", ""])
    return overrides, [("decision_new_label_ignored", f"row {n}", "new_label", "7")]


def cluster_id_beside_image_id(s):
    overrides, path, n = _warning_decisions(
        s, [s.mislabelled(12), "some_cluster", "erin", "2026-12-01T10:01:00Z", "keep", "keep", "", ""])
    return overrides, [("decision_cluster_id_ignored", f"row {n}", "cluster_id", "some_cluster")]


def export_file_without_items(s):
    path = s.root / "vl_export" / "metadata_part_empty.json"
    path.write_text(json.dumps({"info": {"schema_version": "1.1"}, "media_items": []}))
    return {}, [("export_file_without_media_items", "media_items", "media_items", "0")]


def team_image_outside_the_manifest(s):
    path = s.root / "team_clusters.json"

    def change(document):
        members = document["clusters"][0].get("images") or document["clusters"][0]["members"]
        members.append({"id": "team_only_1", "path": "train/n01440764/team_only_1.JPEG",
                        "label": 0, "filename": "team_only_1.JPEG"})
    s.edit_json(path, change)
    return {"team_clusters_path": str(path)}, [
        ("not_in_manifest", "image train/n01440764/team_only_1.JPEG", "team clusters path",
         "train/n01440764/team_only_1.JPEG")]


def object_where_a_value_belongs(s):
    path = s.chunk(0)
    s.edit_json(path, lambda d: d["media_items"][4].update(height={"px": 375}))
    return {}, [("wrong_type_ignored", "media_items[4]", "height", None)]


# Hostile but valid: no warning of their own; the checks are in test_hostile_inputs_*.
def formula_like_strings(s):
    index = s.unexported_rows(1, skip=14)[0]
    s.set_manifest(index, image_id=FORMULA_ID)
    # two reviewers disagree on one image, with formulas in their notes
    image_id = s.mislabelled(13)
    for reviewer, action, note in (("frank", "keep", "=1+2"), ("gina", "remove", "@SUM(A1:A9)")):
        path = s.root / "my_decisions" / f"{reviewer}.csv"
        path.parent.mkdir(exist_ok=True)
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(DECISION_HEADER)
            writer.writerow([image_id, "", reviewer, "2026-12-01T11:00:00Z", action, action, "", note])
    s.formula_review_image = image_id
    return {"decisions_path": str(path.parent)}, []


def bom_and_crlf(s):
    s.manifest_bom = s.manifest_crlf = True
    s.manifest_changed = True
    path = s.chunk(3)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b'","', b'",\r\n"'))
    return {}, []


GROUPS = {
    "file_errors": [
        truncated_json, malformed_json, top_level_list, items_not_a_list, record_not_an_object,
        metadata_items_not_a_list, empty_file, non_utf8_json, json_file_above_max_size,
        non_utf8_manifest, team_clusters_truncated, team_clusters_wrong_shape,
        team_cluster_image_without_id],
    "zip_and_missing_manifest": [zip_member_escaping_the_folder, missing_manifest_path],
    "empty_folder_and_empty_manifest": [empty_export_folder, empty_manifest_file],
    # Alone: each replaces the export or stops the build at compile time.
    **{case.__name__: [case] for case in [
        missing_export_path, export_path_not_set, zero_media_items, unknown_policy_value]},
    "header_errors": [absent_threshold, manifest_without_path_column],
    "record_errors": [
        missing_media_id, media_id_not_a_string, missing_file_path, file_path_not_a_string,
        confidence_not_a_number, threshold_not_a_number, duplicates_issue_without_threshold,
        contradicting_paths, contradicting_labels, two_media_items_one_image,
        repeated_manifest_id, manifest_row_without_id, manifest_row_without_path,
        duplicate_manifest_path],
    "decision_errors": [
        decision_unknown_image, decision_unknown_cluster, decision_without_image,
        decision_unknown_tag, decision_unknown_action, decision_action_contradicts_tag,
        relabel_without_new_label, relabel_to_no_class, relabel_to_ambiguous_class,
        relabel_to_current_label, decision_bad_timestamp, decision_without_reviewer,
        unknown_split_in_cluster],
    "warnings": [
        label_naming_no_class, label_naming_two_classes, html_in_label,
        vl_label_disagrees_with_manifest, vl_item_outside_the_manifest, split_value_not_a_split,
        two_split_tags_on_one_item, unknown_split_outside_clusters,
        unknown_split_in_cluster_under_warn, finding_of_unknown_issue_type,
        finding_for_unknown_image, new_label_on_a_keep, cluster_id_beside_image_id,
        export_file_without_items, team_image_outside_the_manifest,
        object_where_a_value_belongs, formula_like_strings, bom_and_crlf],
}
GROUP_OF = {case.__name__: group for group, cases in GROUPS.items() for case in cases}
ERROR_CASES = [c for g, cases in GROUPS.items() if g != "warnings" for c in cases]
WARNING_CASES = [c for c in GROUPS["warnings"] if c not in (formula_like_strings, bom_and_crlf)]


def tree_hashes(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


class GroupBuilds:
    """Builds each group once, on its own copy of the sample, on demand."""

    def __init__(self, small_sample, previous, factory):
        self.small_sample, self.previous, self.factory = small_sample, previous, factory
        self.done = {}

    def __getitem__(self, group):
        if group not in self.done:
            workdir = self.factory.mktemp(group)
            sample = Sample(shutil.copytree(self.small_sample, workdir / "sample"))
            overrides, expected = {}, {}
            for case in GROUPS[group]:
                case_overrides, expected[case.__name__] = case(sample)
                for key, value in case_overrides.items():
                    assert overrides.get(key, value) == value, (group, key)
                    overrides[key] = value
            overrides = {**sample.save_manifest(), **overrides}
            deliverables = workdir / "build" / "manifests"
            shutil.copytree(self.previous, deliverables)
            run = run_dbt(workdir / "build", sample_vars(sample.root, **overrides),
                          deliverables_dir=deliverables)
            self.done[group] = (run, expected, sample)
        return self.done[group]


@pytest.fixture(scope="module")
def previous_deliverables(small_build):
    assert any(small_build.deliverables_dir.iterdir())
    return small_build.deliverables_dir


@pytest.fixture(scope="module")
def group_builds(small_sample, previous_deliverables, tmp_path_factory):
    return GroupBuilds(small_sample, previous_deliverables, tmp_path_factory)


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.__name__ for c in ERROR_CASES])
def test_bad_input_is_named_and_nothing_is_written(case, group_builds, previous_deliverables):
    run, expected, _ = group_builds[GROUP_OF[case.__name__]]
    assert not run.ok, run.output[-3000:]
    for text in expected[case.__name__]:
        if isinstance(text, re.Pattern):
            assert text.search(run.output), (text.pattern, run.output[-3000:])
        else:
            assert text in run.output, (text, run.output[-3000:])
    # The previous deliverable set is exactly as it was: nothing written, nothing removed.
    assert tree_hashes(run.deliverables_dir) == tree_hashes(previous_deliverables)


def test_no_file_escapes_a_hostile_zip(group_builds):
    run, _, sample = group_builds["zip_and_missing_manifest"]
    assert not run.ok
    assert not list(run.workdir.parent.rglob("escaped.json"))
    assert not (run.workdir / "target" / "unzipped").exists() or not list(
        (run.workdir / "target" / "unzipped").rglob("*.json"))


@pytest.fixture(scope="module")
def warnings_build(group_builds):
    run, expected, sample = group_builds["warnings"]
    assert run.ok, run.output[-4000:]
    return run, expected, sample


@pytest.mark.parametrize("case", WARNING_CASES, ids=[c.__name__ for c in WARNING_CASES])
def test_suspicious_input_is_a_warning(case, warnings_build):
    run, expected, _ = warnings_build
    assert expected[case.__name__]
    for check, record, field, value in expected[case.__name__]:
        rows = run.query(
            "select severity, value, input_file from input_problems"
            " where check_name = ? and record = ? and field = ?", [check, record, field])
        assert rows, (check, record, field)
        assert rows[0][0] == "warning"
        if value is not None:
            assert rows[0][1] == value, rows


def test_every_warning_kind_is_counted_in_the_summary(warnings_build):
    run, expected, _ = warnings_build
    planted = {}
    for case in WARNING_CASES:
        for check, *_ in expected[case.__name__]:
            planted[check] = planted.get(check, 0) + 1
    counted = dict(run.query(
        "select breakdown, figure_value from cleaning_summary"
        " where metric = 'input_warnings' and breakdown != 'all'"))
    for check, count in planted.items():
        assert counted.get(check) == count, (check, count, counted)
    (total,) = run.query("select figure_value from cleaning_summary"
                         " where metric = 'input_warnings' and breakdown = 'all'")[0]
    assert total == sum(counted.values())
    summary = json.loads(run.deliverable("summary.json").read_text())
    assert summary["figures"]["input_warnings"] == {"all": total, **counted}
    assert not run.query("select 1 from input_problems where severity = 'error'")


def test_hostile_inputs_are_read_and_neutralised(warnings_build):
    run, _, sample = warnings_build
    # BOM and CRLF: every manifest row and every decision row was read.
    (manifest_rows,) = run.query("select count(*) from stg_dataset__manifest")[0]
    assert manifest_rows == sample.truth["counts"]["total"]
    assert run.query("select count(*) from stg_reviews__decisions"
                     " where decision_file like '%erin.csv'")[0][0] == 2
    # Formula-like input text is neutralised in every CSV it reaches.
    with run.deliverable("clean_manifest.csv").open(newline="") as handle:
        ids = {row["image_id"] for row in csv.DictReader(handle)}
    assert "'" + FORMULA_ID in ids and FORMULA_ID not in ids
    with run.deliverable("review_conflicts.csv").open(newline="") as handle:
        notes = {row["note"] for row in csv.DictReader(handle)
                 if row["image_id"] == sample.formula_review_image}
    assert notes == {"'=1+2", "'@SUM(A1:A9)"}
    for name in ("clean_manifest.csv", "review_conflicts.csv", "tagged_manifest.csv",
                 "train_test_leaks.csv", "multi_label_clusters.csv"):
        with run.deliverable(name).open(newline="") as handle:
            for row in csv.reader(handle):
                assert not any(cell[:1] in ("=", "+", "@") for cell in row), (name, row)
    # HTML in a label is data: kept verbatim where it is reported, never resolved to a class.
    assert run.query("select label_status, class_index from images where image_id = ?",
                     [sample.html_image]) == [("unresolved", None)]

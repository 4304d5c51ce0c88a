"""The VL-shaped formats besides the JSON export (issue #4, item 1A) give exactly what the
generator planted: the VL Parquet export (nested or JSON-string metadata_items), a CSV
flattened with pd.json_normalize, the tutorials' mislabel_analysis.csv, Hugging Face
vl-enriched Parquet (both shapes, shared groups or every group id the image's own id), and
any flat file through var column_aliases; bad input in each is named."""
import csv
import json
import shutil
import zipfile

import duckdb
import pytest

from conftest import generate_sample, run_dbt, sample_vars
from test_pipeline_sample import clusters_in

ALL_FORMATS = ("parquet-nested", "parquet-json", "csv-normalized", "mislabel-csv",
               "hf-imagenet", "hf-imagenet-self", "hf-uri")


@pytest.fixture(scope="session")
def formats_sample(tmp_path_factory):
    """The small profile with every extra format written beside the JSON export."""
    return generate_sample(tmp_path_factory.mktemp("formats") / "small", formats=ALL_FORMATS)


@pytest.fixture(scope="session")
def formats_truth(formats_sample):
    return json.loads((formats_sample / "truth.json").read_text())


@pytest.fixture
def copy_of_formats(formats_sample, tmp_path):
    target = tmp_path / "sample"
    shutil.copytree(formats_sample, target)
    return target


def export_of(sample, truth, fmt):
    files = truth["files"]["vl_formats"][fmt]
    return sample / files[0].split("/")[0]


def leaks_in(run):
    return {image_id: train_ids.split(";") for image_id, train_ids in
            run.query("select image_id, train_image_ids from leaked_val_images")}


def single_member_groups(run):
    rows = run.query("select value from input_problems "
                     "where check_name = 'single_member_duplicate_groups'")
    return sum(int(value) for (value,) in rows)


def assert_exact_results_equal_truth(run, truth):
    assert clusters_in(run) == truth["clusters"]
    assert leaks_in(run) == {image_id: sorted(case["train_ids"])
                             for image_id, case in truth["leaked_val_images"].items()}
    assert dict(run.query("select image_id, reason from val_removals")) == truth["val_removals"]
    assert clusters_in(run, "multi_label_clusters") == truth["multi_label_clusters"]
    assert single_member_groups(run) == truth["counts"]["singleton_groups"]


def test_json_export_reports_its_single_member_groups(small_build, truth):
    assert single_member_groups(small_build) == truth["counts"]["singleton_groups"] > 0
    severities = small_build.query("select distinct severity from input_problems "
                                   "where check_name = 'single_member_duplicate_groups'")
    assert severities == [("warning",)]


def test_parquet_export_with_nested_metadata_items_equals_truth(
    formats_sample, formats_truth, tmp_path
):
    export = export_of(formats_sample, formats_truth, "parquet-nested")
    columns = [r[0] for r in duckdb.sql(
        f"describe select * from read_parquet('{export / 'metadata.parquet'}')").fetchall()]
    assert "image_filename" in columns and "file_name" not in columns
    run = run_dbt(tmp_path / "build", sample_vars(formats_sample, vl_export_path=str(export)))
    assert run.ok, run.output[-3000:]
    assert_exact_results_equal_truth(run, formats_truth)
    assert clusters_in(run, "near_duplicate_candidates", "near_cluster_id") == \
        formats_truth["near_duplicate_clusters"]


def test_parquet_export_with_json_metadata_items_in_a_zip_beside_json(
    formats_sample, formats_truth, tmp_path
):
    export = export_of(formats_sample, formats_truth, "parquet-json")
    archive = tmp_path / "export.zip"
    chunk = formats_sample / formats_truth["files"]["vl_export_chunks"][0]
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(export / "metadata.parquet", "metadata.parquet")
        zipped.write(chunk, chunk.name)
    run = run_dbt(tmp_path / "build", sample_vars(formats_sample, vl_export_path=str(archive)))
    assert run.ok, run.output[-3000:]
    files = sorted(row[0].rsplit("/", 1)[-1] for row in run.query(
        "select export_file from stg_vl__export_files"))
    assert files == sorted(["metadata.parquet", chunk.name])
    assert_exact_results_equal_truth(run, formats_truth)
    assert clusters_in(run, "near_duplicate_candidates", "near_cluster_id") == \
        formats_truth["near_duplicate_clusters"]


def test_json_normalize_csv_with_python_repr_equals_truth(formats_sample, formats_truth, tmp_path):
    export = export_of(formats_sample, formats_truth, "csv-normalized")
    before = (export / "metadata.csv").read_bytes()
    assert b"{'type': " in before  # Python repr, not JSON
    run = run_dbt(tmp_path / "build", sample_vars(formats_sample, vl_export_path=str(export)))
    assert run.ok, run.output[-3000:]
    assert_exact_results_equal_truth(run, formats_truth)
    assert (export / "metadata.csv").read_bytes() == before  # converted into target/, not here
    shown = {row[0] for row in run.query("select distinct export_file from stg_vl__media_items")}
    assert shown == {str(export / "metadata.csv")}


def test_mislabel_analysis_csv_gives_the_planted_mislabels(formats_sample, formats_truth, tmp_path):
    export = export_of(formats_sample, formats_truth, "mislabel-csv") / "mislabel_analysis.csv"
    run = run_dbt(tmp_path / "build", sample_vars(formats_sample, vl_export_path=str(export)))
    assert run.ok, run.output[-3000:]
    found = dict(run.query("select image_id, suggested_class_index from findings "
                           "where issue_type = 'mislabel'"))
    assert found == {image_id: case["suggested_label"]
                     for image_id, case in formats_truth["mislabels"].items()}
    assert sorted(found) == formats_truth["vl_formats"]["mislabel_csv_images"]


@pytest.mark.parametrize("fmt", ["hf-imagenet", "hf-uri"])
def test_hugging_face_enriched_parquet_with_shared_groups_equals_truth(
    fmt, formats_sample, formats_truth, tmp_path
):
    export = export_of(formats_sample, formats_truth, fmt)
    run = run_dbt(tmp_path / "build", sample_vars(formats_sample, vl_export_path=str(export)))
    assert run.ok, run.output[-3000:]
    assert_exact_results_equal_truth(run, formats_truth)


def test_hugging_face_split_comes_from_the_shard_name(formats_sample, formats_truth, tmp_path):
    export = export_of(formats_sample, formats_truth, "hf-imagenet")
    run = run_dbt(tmp_path / "build", sample_vars(
        formats_sample, vl_export_path=str(export), manifest_path=""))
    assert run.ok, run.output[-3000:]  # an unknown split inside a cluster would fail it
    # Without a manifest the image id is the file name; an opaque one (img_<hex>.JPEG) says
    # nothing about the split, so only the train-*/validation-* shard can.
    leaked = formats_truth["leaked_val_images"]
    assert set(formats_truth["opaque_exported_images"]) & {
        i for case in leaked.values() for i in case["cluster_members"]}
    assert leaks_in(run) == {image_id + ".JPEG": sorted(t + ".JPEG" for t in case["train_ids"])
                             for image_id, case in leaked.items()}
    assert run.query("select count(*) from images where split is null") == [(0,)]


def test_hugging_face_self_group_ids_make_no_clusters_and_a_warning(
    formats_sample, formats_truth, tmp_path
):
    export = export_of(formats_sample, formats_truth, "hf-imagenet-self")
    run = run_dbt(tmp_path / "build", sample_vars(formats_sample, vl_export_path=str(export)))
    assert run.ok, run.output[-3000:]
    assert run.query("select count(*) from duplicate_cluster_members") == [(0,)]
    assert run.query("select count(*) from leaked_val_images") == [(0,)]
    expected = formats_truth["vl_formats"]["hf_self_single_member_groups"]
    assert expected > 0 and single_member_groups(run) == expected
    summary = json.loads(run.deliverable("summary.json").read_text())
    assert summary["figures"]["duplicate_clusters"]["all"] == 0


def test_renamed_manifest_columns_through_column_aliases(small_sample, truth, tmp_path):
    renamed = tmp_path / "renamed_manifest.parquet"
    duckdb.sql(
        f"copy (select image_id as picture, path as stored_at, split as part, label as klass "
        f"from read_parquet('{small_sample / 'manifest.parquet'}')) to '{renamed}' (format parquet)")
    aliases = {"image_id": ["picture"], "image_path": ["stored_at"], "split": ["part"],
               "label": ["klass"]}
    run = run_dbt(tmp_path / "build", sample_vars(
        small_sample, manifest_path=str(renamed), column_aliases=aliases))
    assert run.ok, run.output[-3000:]
    assert_exact_results_equal_truth(run, truth)
    assert run.query("select count(*) from images where is_in_manifest") == [
        (truth["counts"]["total"],)]


def test_flat_vl_csv_with_renamed_columns_through_column_aliases(small_sample, truth, tmp_path):
    """A team-style flat export (one row per mislabel) whose columns have other names,
    beside a JSON chunk that var vl_export_format = csv leaves unread; no manifest, so
    split and label come from the file's own columns."""
    manifest = {image_id: (path, split, label) for image_id, path, split, label in duckdb.sql(
        f"select image_id, path, split, label from read_parquet('{small_sample / 'manifest.parquet'}')"
    ).fetchall()}
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(small_sample / truth["files"]["vl_export_chunks"][0], folder)
    with (folder / "flat.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pic", "stored_at", "klass", "part", "problem", "sure", "fix"])
        for image_id, case in sorted(truth["mislabels"].items()):
            path, split, label = manifest[image_id]
            writer.writerow([image_id, "imagenet1k/" + path, label, split, "mislabels",
                             case["confidence"], case["issues_description"]])
    aliases = {"media_id": ["pic"], "file_path": ["stored_at"], "label": ["klass"],
               "split": ["part"], "issue_type": ["problem"], "confidence": ["sure"],
               "suggested_label": ["fix"]}
    run = run_dbt(tmp_path / "build", sample_vars(
        small_sample, vl_export_path=str(folder), vl_export_format="csv", manifest_path="",
        column_aliases=aliases))
    assert run.ok, run.output[-3000:]
    assert run.query("select export_file from stg_vl__export_files") == [(str(folder / "flat.csv"),)]
    found = {row[0]: row[1:] for row in run.query(
        "select image_id, suggested_class_index, confidence from findings "
        "where issue_type = 'mislabel'")}
    assert found == {manifest[image_id][0]: (case["suggested_label"], case["confidence"])
                     for image_id, case in truth["mislabels"].items()}
    images = {row[0]: row[1:] for row in run.query(
        "select image_id, split, class_index from images where is_in_vl_export")}
    assert images == {manifest[image_id][0]: manifest[image_id][1:] for image_id in truth["mislabels"]}


def test_unknown_column_alias_key_stops_the_build(small_sample, tmp_path):
    run = run_dbt(tmp_path / "build", sample_vars(
        small_sample, column_aliases={"picture_id": ["pic"]}))
    assert not run.ok
    assert "var column_aliases: unknown logical column picture_id" in run.output


# ---- bad input, in the style of tests/test_bad_input.py --------------------------------

def parquet_without_file_name(sample):
    truth = json.loads((sample / "truth.json").read_text())
    source = export_of(sample, truth, "parquet-nested") / "metadata.parquet"
    broken = sample / "broken_parquet" / "metadata.parquet"
    broken.parent.mkdir()
    duckdb.sql(f"copy (select * exclude (image_filename, file_path) from read_parquet('{source}')) "
               f"to '{broken}' (format parquet)")
    return {"vl_export_path": str(broken.parent)}, [
        "- missing_file_path: file ", "broken_parquet/metadata.parquet, media_items[0], field file_path",
        "column_aliases.file_path"]


def parquet_metadata_json_malformed(sample):
    truth = json.loads((sample / "truth.json").read_text())
    source = export_of(sample, truth, "parquet-json") / "metadata.parquet"
    broken = sample / "broken_parquet" / "metadata.parquet"
    broken.parent.mkdir()
    duckdb.sql(f"copy (select * exclude (file_row_number) replace (case when file_row_number = 4 then '[{{\"type\": \"issue\"' "
               f"else metadata_items end as metadata_items) from read_parquet('{source}', "
               f"file_row_number = true) order by file_row_number) to '{broken}' (format parquet)")
    return {"vl_export_path": str(broken.parent)}, [
        "broken_parquet/metadata.parquet", "row 5, field metadata_items is not valid JSON"]


def csv_repr_does_not_parse(sample):
    truth = json.loads((sample / "truth.json").read_text())
    path = export_of(sample, truth, "csv-normalized") / "metadata.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("metadata_items")] = "[{'type': 'issue', 'properties': {"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return {"vl_export_path": str(path.parent)}, [
        "metadata.csv", "row 3, column metadata_items is neither JSON nor a Python list literal"]


def hf_confidence_not_a_number(sample):
    truth = json.loads((sample / "truth.json").read_text())
    folder = export_of(sample, truth, "hf-imagenet")
    shard = folder / "validation-00000-of-00001.parquet"
    fixed = sample / "shard.parquet"
    duckdb.sql(
        f"copy (select image_id, label, case when file_row_number = 2 then "
        f"[{{'issue_type': 'dark', 'confidence': 'high', 'description': null, "
        f"'duplicate_group_id': null}}] else list_transform(issues, i -> {{'issue_type': "
        f"i.issue_type, 'confidence': cast(i.confidence as varchar), 'description': i.description, "
        f"'duplicate_group_id': cast(i.duplicate_group_id as varchar)}}) end as issues "
        f"from read_parquet('{shard}', file_row_number = true) order by file_row_number) "
        f"to '{fixed}' (format parquet)")
    shutil.move(fixed, shard)
    (folder / "train-00000-of-00001.parquet").unlink()
    return {"vl_export_path": str(folder)}, [
        "wrong_type", "validation-00000-of-00001.parquet", "media_items[2].metadata_items[",
        "properties.confidence"]


CASES = [parquet_without_file_name, parquet_metadata_json_malformed, csv_repr_does_not_parse,
         hf_confidence_not_a_number]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input_in_other_formats_is_named_and_nothing_is_written(case, copy_of_formats, tmp_path):
    overrides, expected = case(copy_of_formats)
    run = run_dbt(tmp_path / "build", sample_vars(copy_of_formats, **overrides))
    assert not run.ok
    for text in expected:
        assert text in run.output, (text, run.output[-3000:])
    assert not run.deliverables_dir.exists() or not any(run.deliverables_dir.iterdir())


def test_generator_formats_are_a_pure_function_of_the_seed(formats_sample, small_sample, tmp_path):
    from test_generate_sample_data import file_hashes

    again = generate_sample(tmp_path / "again", formats=ALL_FORMATS)
    assert file_hashes(again) == file_hashes(formats_sample)
    # The extra formats change nothing else: the plain sample is the same files, and its
    # truth is the same but for the listing of the extra files.
    plain, extra = file_hashes(small_sample), file_hashes(formats_sample)
    assert {k: v for k, v in extra.items() if k in plain and k != "truth.json"} == \
        {k: v for k, v in plain.items() if k != "truth.json"}
    truth = json.loads((formats_sample / "truth.json").read_text())
    truth.pop("vl_formats")
    truth["files"].pop("vl_formats")
    assert truth == json.loads((small_sample / "truth.json").read_text())

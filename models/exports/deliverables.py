"""Writes the deliverable files from the export tables, as the last step of `dbt build`.

Python because SQL cannot rename files: everything is written into a scratch folder
first and moved into place only when every file is complete, so a failed or killed
build leaves the previous deliverables whole. dbt runs this model only after every model
and test upstream of it passed, so bad input never reaches the deliverables.
"""
import hashlib
import json
import os
import shutil


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_to(session, relation, path, file_format):
    """CSV or Parquet through DuckDB's COPY, rows in the export's sort_order."""
    relation.create_view("export_relation", replace=True)
    options = "format csv, header true" if file_format == "csv" else "format parquet"
    session.execute(
        "copy (select * exclude (sort_order) from export_relation order by sort_order) "
        f"to '{path}' ({options})"
    )


def rows_of(relation):
    ordered = relation.order("sort_order")
    columns = [c for c in ordered.columns if c != "sort_order"]
    return [dict(zip(columns, row)) for row in ordered.project(", ".join(columns)).fetchall()]


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def json_text(document):
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def summary_document(dataset, threshold, figures):
    document = {"dataset": dataset, "duplicate_threshold": threshold, "figures": {}}
    for _, metric, breakdown, value, _ in figures:
        document["figures"].setdefault(metric, {})[breakdown] = value
    return document


def summary_markdown(dataset, threshold, figures):
    lines = [
        f"# Cleaning summary: {dataset}",
        "",
        f"Duplicate threshold: {threshold}",
        "",
        "| figure | breakdown | value | what it counts |",
        "| --- | --- | ---: | --- |",
    ]
    lines += [f"| {metric} | {breakdown} | {value:,} | {description} |"
              for _, metric, breakdown, value, description in figures]
    return "\n".join(lines) + "\n"


def review_queue_document(dataset, items, members):
    by_item = {}
    for member in members:
        item_id = member.pop("queue_item_id")
        member.pop("member_order")
        by_item.setdefault(item_id, []).append(member)
    for item in items:
        item["members"] = by_item.get(item["queue_item_id"], [])
    return {"dataset": dataset, "items": items}


def model(dbt, session):
    dbt.config(materialized="table")
    dbt.ref("input_problems")  # a bad-input build stops before this model
    dataset = dbt.config.get("dataset_name")
    threshold = float(dbt.config.get("duplicate_threshold"))
    project_dir = dbt.ref("stg_inputs__locations").fetchall()[0][5]
    out_dir = dbt.config.get("deliverables_dir")
    out_dir = out_dir if os.path.isabs(out_dir) else os.path.join(project_dir, out_dir)

    tables = {
        "train_test_leaks.csv": dbt.ref("export_train_test_leaks"),
        "multi_label_clusters.csv": dbt.ref("export_multi_label_clusters"),
        "tagged_manifest.csv": dbt.ref("export_tagged_manifest"),
        "clean_manifest.csv": dbt.ref("export_clean_manifest"),
        "clean_manifest.parquet": dbt.ref("export_clean_manifest"),
        "exclude.csv": dbt.ref("export_exclude"),
        "reviewer_agreement.csv": dbt.ref("export_reviewer_agreement"),
        "review_conflicts.csv": dbt.ref("export_review_conflicts"),
        "release_changes.csv": dbt.ref("export_release_changes"),
    }
    id_lists = {
        "val_removal_list.txt": dbt.ref("export_val_removal_list"),
        "final_removal_list.txt": dbt.ref("export_final_removal_list"),
    }
    relabel_map = dbt.ref("export_relabel_map")
    queue_items = dbt.ref("export_review_queue")
    queue_members = dbt.ref("review_queue_members").order("queue_item_id, member_order")
    figures = dbt.ref("cleaning_summary").order("sort_order").fetchall()

    os.makedirs(out_dir, exist_ok=True)
    # A build killed while writing leaves its scratch folder; the database lock means no
    # other build is writing now, so every leftover can go.
    for leftover in os.listdir(out_dir):
        if leftover.startswith(".incoming-"):
            shutil.rmtree(os.path.join(out_dir, leftover), ignore_errors=True)
    scratch = os.path.join(out_dir, f".incoming-{os.getpid()}")
    os.makedirs(scratch)
    try:
        def path_of(name):
            return os.path.join(scratch, f"{dataset}_{name}")

        for name, relation in tables.items():
            copy_to(session, relation, path_of(name), name.rsplit(".", 1)[1])
        for name, relation in id_lists.items():
            ids = relation.order("sort_order").project("image_id").fetchall()
            write_text(path_of(name), "".join(f"{image_id}\n" for (image_id,) in ids))
        write_text(path_of("relabel_map.json"), json_text(
            {row["image_id"]: row["new_class_index"] for row in rows_of(relabel_map)}))
        members = [dict(zip(queue_members.columns, row)) for row in queue_members.fetchall()]
        write_text(path_of("review_queue.json"), json_text(
            review_queue_document(dataset, rows_of(queue_items), members)))
        write_text(path_of("summary.json"), json_text(summary_document(dataset, threshold, figures)))
        write_text(path_of("summary.md"), summary_markdown(dataset, threshold, figures))

        written = sorted(os.listdir(scratch))
        rows = [(name, os.path.getsize(os.path.join(scratch, name)),
                 sha256_of(os.path.join(scratch, name))) for name in written]
        for name in written:
            os.replace(os.path.join(scratch, name), os.path.join(out_dir, name))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        session.execute("drop view if exists export_relation")

    session.execute(
        "create or replace temp table deliverables_written "
        "(file_name varchar, size_bytes bigint, sha256 varchar)"
    )
    session.executemany("insert into deliverables_written values (?, ?, ?)", rows)
    return session.sql("select * from deliverables_written order by file_name")

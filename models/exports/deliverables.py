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
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def write_csv(session, relation, path):
    relation.create_view("export_relation", replace=True)
    session.execute(
        "copy (select * exclude (sort_order) from export_relation order by sort_order) "
        f"to '{path}' (format csv, header true, quote '\"', escape '\"')"
    )


def write_lines(relation, column, path):
    values = relation.order("sort_order").project(column).fetchall()
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(f"{value}\n" for (value,) in values)


def summary_document(dataset, threshold, figures):
    document = {"dataset": dataset, "duplicate_threshold": threshold, "figures": {}}
    for _, metric, breakdown, value, _ in figures:
        entry = document["figures"].setdefault(metric, {})
        entry[breakdown] = value
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
    lines += [
        f"| {metric} | {breakdown} | {value:,} | {description} |"
        for _, metric, breakdown, value, description in figures
    ]
    return "\n".join(lines) + "\n"


def model(dbt, session):
    dbt.config(materialized="table")
    dbt.ref("input_problems")  # a bad-input build stops before this model
    dataset = dbt.config.get("dataset_name")
    threshold = float(dbt.config.get("duplicate_threshold"))
    project_dir = dbt.ref("stg_inputs__locations").fetchall()[0][5]
    out_dir = dbt.config.get("deliverables_dir")
    out_dir = out_dir if os.path.isabs(out_dir) else os.path.join(project_dir, out_dir)
    relations = {
        "train_test_leaks.csv": dbt.ref("export_train_test_leaks"),
        "multi_label_clusters.csv": dbt.ref("export_multi_label_clusters"),
    }
    removal_list = dbt.ref("export_val_removal_list")
    figures = dbt.ref("cleaning_summary").order("sort_order").fetchall()

    os.makedirs(out_dir, exist_ok=True)
    scratch = os.path.join(out_dir, f".incoming-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    try:
        written = {}
        for name, relation in relations.items():
            written[name] = os.path.join(scratch, f"{dataset}_{name}")
            write_csv(session, relation, written[name])
        written["val_removal_list.txt"] = os.path.join(scratch, f"{dataset}_val_removal_list.txt")
        write_lines(removal_list, "image_id", written["val_removal_list.txt"])
        written["summary.json"] = os.path.join(scratch, f"{dataset}_summary.json")
        with open(written["summary.json"], "w", encoding="utf-8", newline="\n") as handle:
            json.dump(summary_document(dataset, threshold, figures), handle, indent=2)
            handle.write("\n")
        written["summary.md"] = os.path.join(scratch, f"{dataset}_summary.md")
        with open(written["summary.md"], "w", encoding="utf-8", newline="\n") as handle:
            handle.write(summary_markdown(dataset, threshold, figures))

        rows = []
        for path in sorted(written.values()):
            final_path = os.path.join(out_dir, os.path.basename(path))
            rows.append((os.path.basename(path), os.path.getsize(path), sha256_of(path)))
            os.replace(path, final_path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    session.execute(
        "create or replace temp table deliverables_written "
        "(file_name varchar, size_bytes bigint, sha256 varchar)"
    )
    session.executemany("insert into deliverables_written values (?, ?, ?)", rows)
    return session.sql("select * from deliverables_written order by file_name")

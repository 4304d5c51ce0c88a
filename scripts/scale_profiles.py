"""The generator's scale profiles, for the benchmark (not for the correctness tests):

    full_export   the default profile, plus every other manifest image as a plain media
                  item: a full-dataset VL export of all 1,331,167 items, not only flagged ones.
    imagenet21k   ImageNet-21K scale, made in SQL: 13.2 million images, 1.4 million of them in
                  exact-duplicate groups (pairs and triples), 400 thousand mislabel findings.
                  It reuses the ImageNet-1K class list: what grows here is rows, not classes.

Both are deterministic functions of the seed. Their truth.json holds the planted counts.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import duckdb

SCALE_PROFILES = ("full_export", "imagenet21k")
CHUNK_SIZE = 10000

IMAGENET21K = {
    "train": 12_700_000,
    "val": 500_000,
    "duplicate_pairs": 550_000,    # 1,100,000 images
    "duplicate_triples": 100_000,  # 300,000 images
    "mislabels": 400_000,
    # Multipliers of the two bijections of [0, N): coprime with N = 2^7 * 3 * 5^5 * 11.
    "group_stride": 676_039,
    "mislabel_stride": 1_000_003,
}


def plain_item(media_id, path, label_text, vl_host, dataset_uuid):
    """A media item VL exports for an image it flagged nothing on: its user label only."""
    return json.dumps({
        "media_id": media_id,
        "media_type": "image",
        "file_name": path.rsplit("/", 1)[-1],
        "file_path": "imagenet1k/" + path,
        "file_size": "110.25KB",
        "uniqueness_score": 0.8,
        "height": 375,
        "width": 500,
        "url": f"{vl_host}/dataset/{dataset_uuid}/data/image/{media_id}",
        "cluster_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{dataset_uuid}/cluster/{label_text}")),
        "metadata_items": [{"type": "image_label", "properties": {
            "original_id": -1, "category_name": label_text, "source": "User"}}],
    }, separators=(",", ":"))


def add_unflagged_items(gen, out: Path, uid_media, vl_host):
    """full_export: write the images the default export left out as further chunk files."""
    flagged = {gen.ids[g] for g in gen.flagged}
    export = out / "vl_export"
    with duckdb.connect() as con:
        rows = con.execute(
            "select image_id, path, label from read_parquet(?) order by image_id",
            [str(out / "manifest.parquet")]).fetchall()
    texts = [plain_item(uid_media(image_id), path, gen.wnid[label], vl_host, gen.dataset_uuid)
             for image_id, path, label in rows if image_id not in flagged]
    export_time = gen.anchor
    for number, start in enumerate(range(0, len(texts), CHUNK_SIZE)):
        gen._write_export_file(export / f"metadata_unflagged_{number:04d}.json",
                               texts[start:start + CHUNK_SIZE], export_time)
    truth_path = out / "truth.json"
    truth = json.loads(truth_path.read_text())
    truth["counts"]["exported_media_items"] = len(texts) + len(flagged)
    truth["profile"] = "full_export"
    truth_path.write_text(json.dumps(truth, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return len(texts) + len(flagged)


def write_imagenet21k(out: Path, seed: int, classes_csv: Path, vl_host: str, sizes=None):
    """imagenet21k: manifest, chunked VL export of the flagged images, truth.json.
    `sizes` replaces IMAGENET21K (the tests make a small copy of the same shape)."""
    sizes = sizes or IMAGENET21K
    p = {**sizes, "seed": seed, "n": sizes["train"] + sizes["val"]}
    paired = 2 * p["duplicate_pairs"]
    grouped = paired + 3 * p["duplicate_triples"]
    out.mkdir(parents=True)
    (out / "vl_export").mkdir()
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    con.execute("create table classes as select class_index, wnid from read_csv(?, header=true)",
                [str(classes_csv)])
    # mix(x) is a cheap deterministic integer hash; r is the image's place in a bijection of
    # [0, N): the first `grouped` places form the duplicate groups, in pairs then triples.
    con.execute(f"""
        create table images as
        with numbered as (
            select
                i,
                case when i < {p['train']} then 'train' else 'val' end as split,
                (i * {p['group_stride']} + {seed}) % {p['n']} as r,
                (i * {p['mislabel_stride']} + 7 * {seed}) % {p['n']} as m,
                ((i % 1000003) * 999983 + {seed}) % 1000000007 as mix
            from range({p['n']}) as t(i)
        ),
        grouped as (
            select
                *,
                case
                    when r < {paired} then r // 2
                    when r < {grouped} then {p['duplicate_pairs']} + (r - {paired}) // 3
                end as group_number
            from numbered
        )
        select
            i,
            split,
            group_number,
            m < {p['mislabels']} as is_mislabelled,
            mix,
            -- one member in 20 carries its own class: the multi-label groups
            case
                when group_number is not null and mix % 20 != 0
                    then ((group_number * 7919 + {seed}) % 1000)
                else mix % 1000
            end as label
        from grouped
    """)
    con.execute("""
        create table manifest as
        select
            case when split = 'train' then c.wnid || '_' || cast(i as varchar)
                 else 'ILSVRC21K_val_' || lpad(cast(i as varchar), 8, '0') end as image_id,
            split || '/' || c.wnid || '/' ||
            case when split = 'train' then c.wnid || '_' || cast(i as varchar)
                 else 'ILSVRC21K_val_' || lpad(cast(i as varchar), 8, '0') end || '.JPEG' as path,
            split,
            cast(label as integer) as label,
            images.i, images.group_number, images.is_mislabelled, images.mix, c.wnid
        from images join classes as c on c.class_index = images.label
    """)
    con.execute("copy (select image_id, path, split, label from manifest order by image_id) "
                "to ? (format parquet, compression zstd, row_group_size 131072)",
                [str(out / "manifest.parquet")])
    as_uuid = ("substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' "
               "|| substr(h, 17, 4) || '-' || substr(h, 21, 12)")
    con.execute(f"""
        create table items as
        with flagged as (
            select
                *,
                md5('media/' || image_id) as h,
                md5('group/{seed}/' || cast(group_number as varchar)) as gh
            from manifest
            where group_number is not null or is_mislabelled
        )
        select
            {as_uuid} as media_id,
            '{{"media_id":"' || {as_uuid} || '","media_type":"image","file_name":"'
            || image_id || '.JPEG","file_path":"imagenet1k/' || path
            || '","file_size":"' || cast(20 + mix % 300 as varchar) || '.50KB",'
            || '"uniqueness_score":' || cast(round((mix % 1000) / 1000.0, 3) as varchar)
            || ',"height":375,"width":500,"url":"{vl_host}/dataset/imagenet21k/data/image/'
            || {as_uuid} || '","cluster_id":"' || md5('cluster/' || wnid)
            || '","metadata_items":['
            || case when group_number is null then '' else
                '{{"type":"issue","properties":{{"issue_type":"duplicates","confidence":0.97,'
                || '"duplicate_group_id":"' || substr(gh, 1, 8) || '-' || substr(gh, 9, 4) || '-'
                || substr(gh, 13, 4) || '-' || substr(gh, 17, 4) || '-' || substr(gh, 21, 12)
                || '","duplicate_threshold":1.0}}}},' end
            || case when not is_mislabelled then '' else
                '{{"type":"issue","properties":{{"issue_type":"mislabels","confidence":'
                || cast(round(0.5 + (mix % 500) / 1000.0, 3) as varchar)
                || ',"issues_description":"' || (select c.wnid from classes as c
                    where c.class_index = (label + 1 + mix % 999) % 1000) || '"}}}},' end
            || '{{"type":"image_label","properties":{{"original_id":-1,"category_name":"'
            || wnid || '","source":"User"}}}}]}}' as item_text
        from flagged
    """)
    cursor = con.execute(f"""
        select (row_number() over (order by media_id) - 1) // {CHUNK_SIZE} as chunk, item_text
        from items order by media_id""")
    info = {"schema_version": "1.1", "dataset": "imagenet21k",
            "description": "Exported from imagenet21k at Visual Layer",
            "export_time": "2026-11-14T08:00:00.000000", "exported_by": "Scale benchmark"}
    chunks = 0
    pending, current = [], 0
    while True:
        rows = cursor.fetchmany(CHUNK_SIZE)
        for chunk, text in rows:
            if chunk != current:
                write_chunk(out, current, pending, info)
                chunks += 1
                pending, current = [], chunk
            pending.append(text)
        if not rows:
            break
    write_chunk(out, current, pending, info)
    chunks += 1
    counts = dict(zip(
        ("total", "train", "val", "duplicate_images", "duplicate_groups", "leak_groups",
         "multi_label_groups", "mislabel_findings", "exported_media_items"),
        con.execute("""
            with groups as (
                select group_number, count(distinct split) as splits, count(distinct label) as labels
                from manifest where group_number is not null group by 1
            )
            select
                (select count(*) from manifest),
                (select count(*) from manifest where split = 'train'),
                (select count(*) from manifest where split = 'val'),
                (select count(*) from manifest where group_number is not null),
                (select count(*) from groups),
                (select count(*) from groups where splits = 2),
                (select count(*) from groups where labels > 1),
                (select count(*) from manifest where is_mislabelled),
                (select count(*) from items)
        """).fetchone()))
    con.close()
    truth = {"profile": "imagenet21k", "seed": seed, "counts": counts,
             "files": {"vl_export_chunks": chunks, "chunk_size": CHUNK_SIZE}}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n")
    return truth


def write_chunk(out, number, texts, info):
    document_start = json.dumps({**info, "total_media_items": len(texts)}, separators=(",", ":"))
    with open(out / "vl_export" / f"metadata_part_{number:04d}.json", "w", encoding="utf-8") as f:
        f.write('{"info":' + document_start + ',"media_items":[' + ",".join(texts) + "]}")

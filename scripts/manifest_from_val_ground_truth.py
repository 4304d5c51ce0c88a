#!/usr/bin/env python3
"""Write the val part of a dataset manifest (image_id, path, split, label) from ImageNet's
val ground-truth file, `filename,class_index,wnid` per line (header optional), e.g.
`ILSVRC2012_val_00000001.JPEG,65,n01751748`. Every class_index/wnid pair is checked against
the class list. The devkit's one-integer-per-line ILSVRC2012_validation_ground_truth.txt is
refused: its 1-based ILSVRC2012_IDs map to wnids only through the devkit's meta.mat.

    scripts/manifest_from_val_ground_truth.py val_ground_truth.csv --out val_manifest.parquet
"""
import argparse
import string
from pathlib import Path

from manifest_common import DEFAULT_CLASSES, ManifestError, check_out_path, load_classes, \
    read_ground_truth, run, write_manifest

TEMPLATE_FIELDS = {"filename", "image_id", "wnid", "class_index"}


def manifest_rows(ground_truth, classes, template):
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    if not fields <= TEMPLATE_FIELDS:
        raise ManifestError(f"--path-template {template!r}: unknown field(s) "
                            f"{sorted(fields - TEMPLATE_FIELDS)}; use {sorted(TEMPLATE_FIELDS)}")
    if template.startswith(("/", "\\")) or ":" in template.split("/")[0]:
        raise ManifestError(f"--path-template {template!r} must be dataset-relative")
    if "filename" not in fields and "image_id" not in fields:
        raise ManifestError(f"--path-template {template!r} needs {{filename}} or {{image_id}}")
    rows = []
    for _, filename, class_index, wnid in read_ground_truth(ground_truth, classes):
        image_id = Path(filename).stem
        path = template.format(filename=filename, image_id=image_id, wnid=wnid,
                               class_index=class_index).replace("\\", "/")
        rows.append((image_id, path, "val", class_index))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ground_truth", metavar="GROUND_TRUTH",
                        help="filename,class_index,wnid file (the real one has 50,000 rows)")
    parser.add_argument("--out", required=True, help="manifest.csv or manifest.parquet")
    parser.add_argument("--classes", default=str(DEFAULT_CLASSES),
                        help="class list CSV with class_index,wnid (default: %(default)s)")
    parser.add_argument("--path-template", default="val/{wnid}/{filename}",
                        help="dataset-relative path of each image; fields {filename} {image_id} "
                             "{wnid} {class_index} (default: %(default)s; the raw flat ILSVRC "
                             "layout is 'val/{filename}')")
    args = parser.parse_args()
    out = check_out_path(args.out)
    rows = manifest_rows(args.ground_truth, load_classes(args.classes), args.path_template)
    write_manifest(rows, out)


if __name__ == "__main__":
    run(main)

#!/usr/bin/env python3
"""Write a dataset manifest (image_id, path, split, label) from an ImageFolder-style tree
ROOT/<split>/<wnid>/<image> (.jpeg .jpg .png .webp, any case; hidden files and folders are
skipped; non-image files are skipped and counted). The label is the wnid's class_index in the
class list. ROOT/val may instead hold the images flat (the raw ILSVRC layout, val/<image>) when
--val-ground-truth labels them. An unknown wnid folder, a split folder not in --splits or two
images with the same image_id (file stem) stop the script with exit code 2, writing nothing.

    scripts/manifest_from_imagefolder.py /data/imagenet --out manifest.parquet
"""
import argparse
import os
import sys
from pathlib import Path

from manifest_common import DEFAULT_CLASSES, IMAGE_EXTENSIONS, ManifestError, check_out_path, \
    load_classes, read_ground_truth, run, write_manifest


def visible_entries(folder):
    """The folder's non-hidden entries, sorted by name."""
    with os.scandir(folder) as entries:
        return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def is_image(entry):
    return entry.is_file() and Path(entry.name).suffix.lower() in IMAGE_EXTENSIONS


def find_files(root, splits, classes):
    """Yield (split, wnid or None, entry) for every visible file; wnid None = flat in split."""
    for split_entry in visible_entries(root):
        if not split_entry.is_dir():
            if is_image(split_entry):
                raise ManifestError(f"image outside a split folder: {split_entry.path}")
            continue
        if split_entry.name not in splits:
            raise ManifestError(f"split folder {split_entry.path} is not one of --splits "
                                f"{','.join(splits)}")
        for entry in visible_entries(split_entry.path):
            if entry.is_dir():
                if entry.name not in classes:
                    raise ManifestError(f"folder {entry.path} is not a wnid in the class list")
                for image in visible_entries(entry.path):
                    if image.is_dir():
                        raise ManifestError(f"unexpected folder inside a class folder: "
                                            f"{image.path}")
                    yield split_entry.name, entry.name, image
            else:
                yield split_entry.name, None, entry


def manifest_rows(root, classes, splits, val_labels):
    rows, by_id, by_folded_path, skipped = [], {}, {}, 0
    for split, wnid, entry in find_files(root, splits, classes):
        if not is_image(entry):
            skipped += 1
            continue
        path = f"{split}/{wnid}/{entry.name}" if wnid else f"{split}/{entry.name}"
        if path.casefold() in by_folded_path:  # one file, or names differing only in case
            print(f"note: {entry.path} listed once, as {by_folded_path[path.casefold()]}",
                  file=sys.stderr)
            continue
        by_folded_path[path.casefold()] = path
        image_id = Path(entry.name).stem
        if wnid is not None:
            label = classes[wnid]
        elif split != "val" or val_labels is None:
            raise ManifestError(f"image directly in a split folder: {entry.path} (only val may "
                                "be flat, and only with --val-ground-truth)")
        elif image_id not in val_labels:
            raise ManifestError(f"{entry.path} is not in the --val-ground-truth file")
        else:
            label = val_labels[image_id]
        if image_id in by_id:
            raise ManifestError(f"duplicate image_id {image_id}: {root / by_id[image_id]} and "
                                f"{entry.path}")
        by_id[image_id] = path
        rows.append((image_id, path, split, label))
    if skipped:
        print(f"note: skipped {skipped} non-image files", file=sys.stderr)
    if not rows:
        raise ManifestError(f"no images found under {root}/<split>/<wnid>/")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", metavar="ROOT", type=Path, help="dataset folder holding the splits")
    parser.add_argument("--out", required=True, help="manifest.csv or manifest.parquet")
    parser.add_argument("--classes", default=str(DEFAULT_CLASSES),
                        help="class list CSV with class_index,wnid (default: %(default)s)")
    parser.add_argument("--splits", default="train,val,test",
                        help="allowed split folders, comma-separated (default: %(default)s)")
    parser.add_argument("--val-ground-truth", metavar="FILE",
                        help="filename,class_index,wnid file labelling flat ROOT/val/<image>")
    args = parser.parse_args()
    out = check_out_path(args.out)
    if not args.root.is_dir():
        raise ManifestError(f"ROOT is not a folder: {args.root}")
    classes = load_classes(args.classes)
    splits = [split.strip() for split in args.splits.split(",") if split.strip()]
    val_labels = None
    if args.val_ground_truth:
        val_labels = {Path(filename).stem: index for _, filename, index, _
                      in read_ground_truth(args.val_ground_truth, classes)}
    write_manifest(manifest_rows(args.root, classes, splits, val_labels), out)


if __name__ == "__main__":
    run(main)

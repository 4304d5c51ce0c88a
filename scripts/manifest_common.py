"""Shared by the manifest_from_*.py scripts: the class list, the val ground-truth file, and
writing a manifest (image_id, path, split, label) as CSV or Parquet, atomically."""
import csv
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CLASSES = PROJECT / "seeds" / "imagenet1k_classes.csv"
IMAGE_EXTENSIONS = {".jpeg", ".jpg", ".png", ".webp"}
COLUMNS = ("image_id", "path", "split", "label")
FORMATS = (".csv", ".parquet")


class ManifestError(Exception):
    """A problem with the input: printed as `error: ...`, exit code 2, nothing written."""


def run(main):
    """Run a script's main(); turn a ManifestError into a message and exit code 2."""
    try:
        main()
    except ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


def check_out_path(out):
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise ManifestError(f"--out must end in .csv or .parquet: {out}")
    return out


def load_classes(path):
    """{wnid: class_index} from a class list CSV with columns class_index, wnid."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"class list not found: {path}")
    classes = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"class_index", "wnid"} <= set(reader.fieldnames or ()):
            raise ManifestError(f"{path}: needs columns class_index and wnid")
        for line, row in enumerate(reader, start=2):
            wnid = row["wnid"].strip()
            try:
                index = int(row["class_index"])
            except ValueError:
                raise ManifestError(f"{path} line {line}: class_index is not an integer") from None
            if wnid in classes or index in classes.values():
                raise ManifestError(f"{path} line {line}: repeated wnid or class_index")
            classes[wnid] = index
    if not classes:
        raise ManifestError(f"{path}: the class list is empty")
    return classes


def read_ground_truth(path, classes):
    """[(line, filename, class_index, wnid)] from a `filename,class_index,wnid` file (header
    optional), each checked against the class list. The devkit's one-integer-per-line
    ILSVRC2012_validation_ground_truth.txt is refused: its ILSVRC2012_IDs map to wnids
    only through the devkit's meta.mat, which we do not have."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"ground-truth file not found: {path}")
    index_to_wnid = {index: wnid for wnid, index in classes.items()}
    rows, seen = [], {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, fields in enumerate(csv.reader(handle), start=1):
            fields = [field.strip() for field in fields]
            if not any(fields):
                continue
            if not rows and len(fields) == 1 and fields[0].isdigit():
                raise ManifestError(
                    f"{path} line {line}: this looks like the devkit's "
                    "ILSVRC2012_validation_ground_truth.txt (one ILSVRC2012_ID per line). Those "
                    "1-based ids are not class indices; they map to wnids only through the "
                    "devkit's data/meta.mat, which is not available, so this form is not "
                    "supported. Give a `filename,class_index,wnid` file instead.")
            if not rows and [f.lower() for f in fields] == ["filename", "class_index", "wnid"]:
                continue
            if len(fields) != 3:
                raise ManifestError(f"{path} line {line}: expected filename,class_index,wnid, "
                                    f"got {len(fields)} fields")
            filename, index_text, wnid = fields
            if not index_text.lstrip("-").isdigit():
                raise ManifestError(f"{path} line {line}: class_index {index_text!r} "
                                    "is not an integer")
            index = int(index_text)
            if wnid not in classes:
                raise ManifestError(f"{path} line {line}: wnid {wnid} is not in the class list")
            if classes[wnid] != index:
                raise ManifestError(
                    f"{path} line {line}: class_index {index} and wnid {wnid} disagree (the class "
                    f"list has {wnid} = {classes[wnid]}, {index} = {index_to_wnid.get(index)})")
            stem = Path(filename).stem
            if stem in seen:
                raise ManifestError(f"{path} line {line}: {filename} repeats the image id "
                                    f"{stem} of line {seen[stem]}")
            seen[stem] = line
            rows.append((line, filename, index, wnid))
    if not rows:
        raise ManifestError(f"{path}: no ground-truth rows")
    return rows


def write_manifest(rows, out):
    """Write (image_id, path, split, label) rows sorted by image_id to out (.csv or
    .parquet) through temporary files in the same folder; print the count and path."""
    out = check_out_path(out).resolve()
    rows = sorted(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary_csv = out.with_name(f".{out.name}.{os.getpid()}.csv.tmp")
    temporary_parquet = out.with_name(f".{out.name}.{os.getpid()}.parquet.tmp")
    try:
        with open(temporary_csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        if out.suffix.lower() == ".csv":
            os.replace(temporary_csv, out)
        else:
            _csv_to_parquet(temporary_csv, temporary_parquet)
            os.replace(temporary_parquet, out)
    finally:
        temporary_csv.unlink(missing_ok=True)
        temporary_parquet.unlink(missing_ok=True)
    print(f"wrote {len(rows)} rows to {out}")


def _csv_to_parquet(source, target):
    """The CSV into a typed temp table, then COPY it to Parquet. (Loading the CSV is ~250x
    faster than binding Python lists as query parameters.)"""
    import duckdb

    def quoted(path):
        return "'" + str(path).replace("'", "''") + "'"

    with duckdb.connect() as connection:
        connection.execute(
            "create temp table manifest as select * from read_csv("
            f"{quoted(source)}, header = true, quote = '\"', escape = '\"', "
            "columns = {'image_id': 'varchar', 'path': 'varchar', 'split': 'varchar', "
            "'label': 'integer'})")
        connection.execute(f"copy (select * from manifest order by image_id) "
                           f"to {quoted(target)} (format parquet)")

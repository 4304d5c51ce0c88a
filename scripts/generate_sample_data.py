#!/usr/bin/env python3
"""Generate a deterministic synthetic ImageNet-1K sample with a Visual Layer (VL) export.

    python scripts/generate_sample_data.py --profile {small,default,full_export,imagenet21k}
        [--seed 20261204] [--out DIR] [--dataset cifar10] [--formats F1,F2,...]
    --formats: parquet-nested,parquet-json,csv-normalized,mislabel-csv,hf-imagenet,
               hf-imagenet-self,hf-uri (VL-shaped copies of the export), fastdup,vl_issue_list
    (full_export and imagenet21k are scale profiles for the benchmark: scale_profiles.py)

Writes into OUT (default ``sample_data/<profile>`` under the project root):

    manifest.parquet            every image: image_id, path, split, label (sorted by image_id)
    manifest.csv                (small profile only) the same rows as CSV
    vl_export/metadata_part_NNNN.json      VL JSON export (schema 1.1) of the flagged images,
                                           chunked, shuffled, consecutive chunks overlap
    vl_export/clusters/cluster_<uuid>.json per-cluster exports (repeat items; transitive-merge cases)
    truth.json                  what was planted (computed from the generator's own structures)
    vl_export_<format>/, hf_*/  (--formats) the same export in other VL-shaped
                                formats: parquet-nested, parquet-json (VL Parquet export),
                                csv-normalized (pd.json_normalize CSV, Python-repr metadata_items),
                                mislabel-csv (the tutorials' mislabel_analysis.csv),
                                hf-imagenet, hf-imagenet-self, hf-uri (Hugging Face vl-enriched)
    fastdup/, fastdup_legacy/   (--formats fastdup) a fastdup V1 work_dir with integer ids, and a
                                legacy one with path ids plus a saved controller frame
    vl_issue_list/              (--formats vl_issue_list) VL-datasets issue file list + count CSV
    team_clusters.json          (small profile only) the team's legacy clusters JSON shape
    team_tagged_manifest.csv    (small profile only) the team's tagged manifest (their flags)
    team_leak_reports/*.csv     (small profile only) their two leak report shapes, in part agreeing
    decisions/alice.csv, decisions/bob.csv  two reviewers' append-only decision logs
    images/<manifest path>      48x48 PNG (content is PNG although the name ends in .JPEG)
                                for every image in the VL export

    python scripts/generate_sample_data.py --dataset cifar10 [--seed N] [--out DIR]

writes instead a small 10-class dataset (the CIFAR-10 class list of seeds/cifar10_classes.csv,
500 images, its own file names, no ImageNet wnids or ILSVRC names, the split only in a path
segment train/ or val/): manifest.csv (image_id, path, label; no split column), a chunked
VL export whose file paths start with "cifar10/", and truth.json. Build it with vars
class_list_seed: cifar10_classes, dataset_name: cifar10, vl_path_prefix: "cifar10/".

Same profile + seed => byte-identical files.  Only the standard library and duckdb are used.
The output is first written to a temporary sibling folder and renamed into place at the end.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import shutil
import struct
import sys
import time
import uuid
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from scale_profiles import SCALE_PROFILES, add_unflagged_items, write_imagenet21k

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLASSES_CSV = PROJECT_ROOT / "seeds" / "imagenet1k_classes.csv"
TAG_SCHEMA_CSV = PROJECT_ROOT / "seeds" / "tag_schema.csv"

# Fixed namespace: media ids are uuid5(NAMESPACE, image_id) for every seed and profile.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://imagenet-cleaning.invalid/sample-data/v1")
LEVELS = [0.96, 0.97, 0.98, 0.985, 0.99, 0.995, 0.999, 1.0]
NEAR_LEVELS = LEVELS[:-1]
EXACT = 1.0
EXTRA_FORMATS = ("fastdup", "vl_issue_list")
FASTDUP_ROOT = "/data/imagenet1k/"  # fastdup keeps the absolute paths it was given
FINDING_TYPES = ["mislabels", "dark", "blur", "outliers", "bright"]
DEFAULT_SEED = 20261204
VL_FORMATS = ["parquet-nested", "parquet-json", "csv-normalized", "mislabel-csv",
              "hf-imagenet", "hf-imagenet-self", "hf-uri"]
DEFAULT_DUPLICATE_IMAGES = 14851
VL_HOST = "http://app.visual-layer.com"
IMG_SIZE = 48

AUTO_TAG_WORDS = (
    "person man woman child blanket snow sky tree grass water road building car table chair "
    "floor wall window food hand face dog cat bird flower leaf rock sand cloud street shirt hat "
    "bottle book paper box shadow field wood metal plastic glass fabric text sign outdoor indoor "
    "night sunset river forest animal close-up black white green red blue yellow pattern"
).split()

PROFILES = {
    "small": {
        "train_total": 6000,
        "val_total": 1000,
        "chunk_size": 150,
        "opaque_fraction": 0.01,
        "clusters": {
            "leak_same_label": 10,
            "leak_diff_label": 16,
            "leak_2val_1train": 4,
            "val_val_same_label": 6,
            "val_val_diff_label": 4,
            "train_train_diff_label": 12,
            "big": 10,
            "transitive": 5,
            "train_train_same_label": 80,
        },
        "duplicate_images": None,
        "near": {"train_val": 4, "train_train": 3, "val_val": 2, "triple": 2, "attached": 5},
        "singletons": 3,
        "findings": {"mislabels": (80, 0), "dark": (44, 4), "blur": (34, 2),
                     "outliers": (22, 2), "bright": (14, 2)},
        "per_cluster_files": 6,
        "team_clusters": 6,
        "decisions": 60,
    },
    "default": {
        "train_total": 1281167,
        "val_total": 50000,
        "chunk_size": 10000,
        "opaque_fraction": 0.01,
        "clusters": {
            "leak_same_label": 260,
            "leak_diff_label": 540,
            "leak_2val_1train": 40,
            "val_val_same_label": 110,
            "val_val_diff_label": 45,
            "train_train_diff_label": 420,
            "big": 240,
            "transitive": 25,
            "train_train_same_label": None,  # the remainder up to duplicate_images
        },
        "duplicate_images": DEFAULT_DUPLICATE_IMAGES,
        "near": {"train_val": 150, "train_train": 200, "val_val": 30, "triple": 20, "attached": 120},
        "singletons": 30,
        # VL's published ImageNet-1K card: (train, val)
        "findings": {"mislabels": (1480, 0), "dark": (2999, 175), "blur": (2414, 64),
                     "outliers": (1159, 40), "bright": (746, 24)},
        "per_cluster_files": 40,
        "team_clusters": 0,
        "decisions": 60,
    },
}

# Compositions of the "big" clusters (3-5 members), cycled.  Letters are label groups.
BIG_VARIANTS = [
    "train_same", "train_mixed", "train_same", "leak_same", "train_same", "leak_mixed",
    "train_same", "val_same3", "leak_mixed", "two_two_mixed", "train_same", "leak_same",
    "train_mixed", "train_same", "leak_mixed", "train_same", "two_two_mixed", "leak_same",
    "train_same", "train_mixed",
]
TRANSITIVE_VARIANTS = ["ttt_same", "vv_t_merge_leak", "tt_v_diff", "tttt_same", "vvv_same"]


def log(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def uid(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def dumps(obj) -> str:
    """Compact JSON like the real VL export (key order = insertion order)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def anchor_date(seed: int) -> datetime:
    """A fixed date derived from the seed (YYYYMMDD seeds map to that day)."""
    s = str(seed)
    if len(s) == 8:
        try:
            return datetime(int(s[:4]), int(s[4:6]), int(s[6:]))
        except ValueError:
            pass
    return datetime(2026, 1, 1) + timedelta(days=seed % 365)


def sql_str(path: Path) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def iso_z(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")


def train_k(i: int, c: int) -> int:
    """Train file number for the i-th image of class c (mirrored in SQL; strictly increasing)."""
    return 1 + 13 * i + ((i * i + c) % 11)


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        p = self.parent.setdefault(x, x)
        if p != x:
            root = x
            while self.parent[root] != root:
                root = self.parent[root]
            while self.parent[x] != root:
                self.parent[x], x = root, self.parent[x]
            return root
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb

    def groups(self):
        out = {}
        for x in sorted(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


# --------------------------------------------------------------------------------------------
# PNG writer (pure Python)
# --------------------------------------------------------------------------------------------

def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_bytes(key: str, shift: int = 0, tone: str | None = None) -> bytes:
    """A 48x48 RGB PNG whose colours and pattern are derived from ``key``.

    ``shift`` alters it slightly (near duplicates look alike but differ); ``tone`` darkens or
    brightens it (dark / bright findings)."""
    d = hashlib.md5(key.encode()).digest()
    c1 = [d[0], d[1], d[2]]
    c2 = [d[3], d[4], d[5]]
    if shift:
        c1 = [(v + 9 * shift) % 256 for v in c1]
    if tone == "dark":
        c1 = [v // 6 for v in c1]
        c2 = [v // 6 for v in c2]
    elif tone == "bright":
        c1 = [255 - (255 - v) // 8 for v in c1]
        c2 = [255 - (255 - v) // 8 for v in c2]
    p1, p2 = bytes(c1), bytes(c2)
    kind = d[6] % 4
    period = 3 + d[7] % 6
    n = IMG_SIZE
    rows = []
    if kind == 0:  # horizontal stripes
        r1, r2 = b"\x00" + p1 * n, b"\x00" + p2 * n
        rows = [r1 if (y // period) % 2 == 0 else r2 for y in range(n)]
    elif kind == 1:  # vertical stripes
        row = b"".join((p1 if (x // period) % 2 == 0 else p2) for x in range(n))
        rows = [b"\x00" + row] * n
    elif kind == 2:  # checkerboard
        ra = b"".join((p1 if (x // period) % 2 == 0 else p2) for x in range(n))
        rb = b"".join((p2 if (x // period) % 2 == 0 else p1) for x in range(n))
        rows = [b"\x00" + (ra if (y // period) % 2 == 0 else rb) for y in range(n)]
    else:  # diagonal stripes
        base = b"".join((p1 if (x // period) % 2 == 0 else p2) for x in range(2 * n + 2 * period))
        rows = [b"\x00" + base[3 * (y % (2 * period)):3 * (y % (2 * period)) + 3 * n] for y in range(n)]
    if shift:  # a small mark so near duplicates are not byte-identical
        y0 = 8 + (shift * 7) % 30
        mark = bytes([255 - c1[0], 255 - c1[1], 255 - c1[2]]) * 6
        for y in range(y0, y0 + 6):
            r = rows[y]
            rows[y] = r[:1 + 3 * 20] + mark + r[1 + 3 * 26:]
    raw = b"".join(rows)
    ihdr = struct.pack(">IIBBBBB", n, n, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(raw, 6)) + _png_chunk(b"IEND", b""))


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------

class Generator:
    def __init__(self, profile: str, seed: int):
        self.profile = profile
        self.cfg = PROFILES[profile]
        self.seed = seed
        self.vl_formats = []
        self.rng = random.Random(seed)
        self.anchor = anchor_date(seed)
        self.dataset_uuid = uid(seed, "dataset")
        self._load_classes()
        self._build_universe()
        self.used: set[int] = set()
        self.train_used = [0] * 1000
        self.families: list[dict] = []       # duplicate families (exact / near / singleton)
        self.findings: dict[int, dict] = {}  # g -> {issue_type: properties}
        self.family_of: dict[int, int] = {}  # g -> family index
        self.formats: tuple[str, ...] = ()

    # ---- classes ---------------------------------------------------------------------------
    def _load_classes(self):
        with open(CLASSES_CSV, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 1000, "expected 1000 classes"
        rows.sort(key=lambda r: int(r["class_index"]))
        self.wnid = [r["wnid"] for r in rows]
        self.clean = [r["clean_name"] for r in rows]
        counts = {}
        for n in self.clean:
            counts[n] = counts.get(n, 0) + 1
        self.ambiguous = {i for i, n in enumerate(self.clean) if counts[n] > 1}
        forbidden = set()
        for r in rows:
            forbidden.add(r["clean_name"].lower().replace(" ", "_"))
            forbidden.add(r["wnid"].lower())
            for s in r["synset_names"].split(","):
                forbidden.add(s.strip().lower().replace(" ", "_"))
        self.auto_words = [w for w in AUTO_TAG_WORDS if w.lower() not in forbidden]
        with open(TAG_SCHEMA_CSV, newline="", encoding="utf-8") as f:
            self.tag_names = {r["tag_name"] for r in csv.DictReader(f)}

    def label_name(self, c: int) -> str:
        """Suggested-label text: the clean name, or the wnid for ambiguous classes."""
        return self.wnid[c] if c in self.ambiguous else self.clean[c]

    # ---- universe of images ----------------------------------------------------------------
    def _build_universe(self):
        rng = self.rng
        cfg = self.cfg
        if self.profile == "default":
            n_train = [1300] * 1000
            deficit = 1300 * 1000 - cfg["train_total"]
            order = list(range(1000))
            rng.shuffle(order)
            for c in order:
                if deficit <= 0:
                    break
                r = min(rng.randint(40, 568), deficit)
                n_train[c] -= r
                deficit -= r
            labels = [c for c in range(1000) for _ in range(cfg["val_total"] // 1000)]
            rng.shuffle(labels)
        else:
            n_train = [rng.randint(4, 8) for _ in range(1000)]
            diff = cfg["train_total"] - sum(n_train)
            while diff:
                c = rng.randrange(1000)
                if diff > 0 and n_train[c] < 9:
                    n_train[c] += 1
                    diff -= 1
                elif diff < 0 and n_train[c] > 3:
                    n_train[c] -= 1
                    diff += 1
            # uneven on purpose so that several val images can share a class
            labels = [rng.randrange(1000) for _ in range(cfg["val_total"])]
        assert sum(n_train) == cfg["train_total"]
        assert len(labels) == cfg["val_total"]
        self.n_train = n_train
        self.offset = []
        acc = 0
        for n in n_train:
            self.offset.append(acc)
            acc += n
        self.N_train = acc
        self.val_labels = labels
        self.N = acc + len(labels)
        self.val_avail = [[] for _ in range(1000)]
        for j, c in enumerate(labels):
            self.val_avail[c].append(self.N_train + j)

    def split_of(self, g: int) -> str:
        return "train" if g < self.N_train else "val"

    def label_of(self, g: int) -> int:
        if g >= self.N_train:
            return self.val_labels[g - self.N_train]
        # binary search over offsets
        lo, hi = 0, 999
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.offset[mid] <= g:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def orig_id(self, g: int) -> str:
        if g >= self.N_train:
            return "ILSVRC2012_val_%08d" % (g - self.N_train + 1)
        c = self.label_of(g)
        return f"{self.wnid[c]}_{train_k(g - self.offset[c], c)}"

    def orig_path(self, g: int) -> str:
        c = self.label_of(g)
        return f"{self.split_of(g)}/{self.wnid[c]}/{self.orig_id(g)}.JPEG"

    # ---- picking images --------------------------------------------------------------------
    def _mark(self, g: int):
        assert g not in self.used
        self.used.add(g)
        if g < self.N_train:
            self.train_used[self.label_of(g)] += 1

    def train_free(self, c: int) -> int:
        return self.n_train[c] - self.train_used[c]

    def pick_train(self, c: int) -> int:
        assert self.train_free(c) > 0
        while True:
            g = self.offset[c] + self.rng.randrange(self.n_train[c])
            if g not in self.used:
                self._mark(g)
                return g

    def pick_val(self, c: int) -> int:
        lst = self.val_avail[c]
        j = self.rng.randrange(len(lst))
        g = lst[j]
        lst[j] = lst[-1]
        lst.pop()
        self._mark(g)
        return g

    def val_free(self, c: int) -> int:
        return len(self.val_avail[c])  # val images are only ever taken through pick_val

    def pick_class(self, need_train: int, need_val: int, exclude=(), near: int | None = None) -> int:
        rng = self.rng
        for attempt in range(5000):
            if near is not None and attempt < 20 and rng.random() < 0.5:
                c = min(999, max(0, near + rng.choice([-3, -2, -1, 1, 2, 3])))
            else:
                c = rng.randrange(1000)
            if c in exclude:
                continue
            if self.train_free(c) < need_train:
                continue
            if need_val and self.val_free(c) < need_val:
                continue
            return c
        raise RuntimeError("could not find a class with enough free images")

    def pick_members(self, spec: list[tuple[str, str]]) -> list[int]:
        """spec: [(split, letter)]; members with the same letter share a class, different
        letters get different classes."""
        need = {}
        for split, letter in spec:
            t, v = need.get(letter, (0, 0))
            need[letter] = (t + (split == "train"), v + (split == "val"))
        classes = {}
        first = None
        for letter in sorted(need):
            t, v = need[letter]
            c = self.pick_class(t, v, exclude=set(classes.values()), near=first)
            classes[letter] = c
            if first is None:
                first = c
        out = []
        for split, letter in spec:
            c = classes[letter]
            out.append(self.pick_train(c) if split == "train" else self.pick_val(c))
        return out

    def pick_any(self, split: str) -> int:
        if split == "train":
            return self.pick_train(self.pick_class(1, 0))
        return self.pick_val(self.pick_class(0, 1))

    # ---- duplicate families ----------------------------------------------------------------
    def _conf(self) -> float:
        c = round(self.rng.uniform(0.80, 0.99), 6)
        while c in LEVELS:
            c = round(c + 0.000001, 6)
        return c

    def add_family(self, kind: str, groups: list[tuple[float, list[tuple[int, int]]]],
                   exact: list[int], extra: dict | None = None) -> dict:
        """groups: [(level, [(g, view), ...])].  view 0 = the item that is in the chunk files;
        view 1 = the bridging image's variant that is only in a per-cluster file."""
        fi = len(self.families)
        fam = {"index": fi, "kind": kind, "exact": sorted(exact), "groups": [], "members": set()}
        if extra:
            fam.update(extra)
        for gi, (level, refs) in enumerate(groups):
            gid = uid(self.seed, "dupgroup", fi, gi, level)
            fam["groups"].append({"level": level, "id": gid, "refs": list(refs)})
            for g, _view in refs:
                fam["members"].add(g)
        for g in fam["members"]:
            assert g not in self.family_of, "image in two families"
            self.family_of[g] = fi
        self.families.append(fam)
        return fam

    def exact_family(self, kind: str, members: list[int]) -> dict:
        groups = [(lvl, [(g, 0) for g in members]) for lvl in LEVELS]
        return self.add_family(kind, groups, members)

    def plan_clusters(self):
        cfg = self.cfg
        rng = self.rng
        specs = []  # (kind, spec list) or ("transitive", variant)
        cc = dict(cfg["clusters"])
        for _ in range(cc["leak_same_label"]):
            specs.append(("leak_same_label", [("val", "a"), ("train", "a")]))
        for _ in range(cc["leak_diff_label"]):
            specs.append(("leak_diff_label", [("val", "a"), ("train", "b")]))
        for i in range(cc["leak_2val_1train"]):
            mix = [[("val", "a"), ("val", "a"), ("train", "a")],
                   [("val", "a"), ("val", "a"), ("train", "b")],
                   [("val", "a"), ("val", "b"), ("train", "a")]][i % 3]
            specs.append(("leak_2val_1train", mix))
        for _ in range(cc["val_val_same_label"]):
            specs.append(("val_val_same_label", [("val", "a"), ("val", "a")]))
        for _ in range(cc["val_val_diff_label"]):
            specs.append(("val_val_diff_label", [("val", "a"), ("val", "b")]))
        for _ in range(cc["train_train_diff_label"]):
            specs.append(("train_train_diff_label", [("train", "a"), ("train", "b")]))
        for i in range(cc["big"]):
            v = BIG_VARIANTS[i % len(BIG_VARIANTS)]
            size = rng.randint(3, 5)
            if v == "train_same":
                sp = [("train", "a")] * size
            elif v == "train_mixed":
                sp = [("train", "a")] * (size - 1) + [("train", "b")]
            elif v == "leak_same":
                sp = [("val", "a")] + [("train", "a")] * (size - 1)
            elif v == "leak_mixed":
                sp = [("val", "a")] + [("train", "b")] * (size - 2) + [("train", "a")]
            elif v == "val_same3":
                sp = [("val", "a")] * 3
            else:  # two_two_mixed
                sp = [("val", "a"), ("val", "b"), ("train", "a"), ("train", "b")]
            specs.append(("big_" + v, sp))
        for i in range(cc["transitive"]):
            specs.append(("transitive", TRANSITIVE_VARIANTS[i % len(TRANSITIVE_VARIANTS)]))

        def spec_size(s):
            if s[0] == "transitive":
                return {"ttt_same": 3, "vv_t_merge_leak": 3, "tt_v_diff": 3, "tttt_same": 4,
                        "vvv_same": 3}[s[1]]
            return len(s[1])

        n_tt = cc["train_train_same_label"]
        n_tt_triple = 0
        if n_tt is None:
            rest = cfg["duplicate_images"] - sum(spec_size(s) for s in specs)
            assert rest > 0
            n_tt_triple = rest % 2
            n_tt = (rest - 3 * n_tt_triple) // 2
        for _ in range(n_tt):
            specs.append(("train_train_same_label", [("train", "a"), ("train", "a")]))
        for _ in range(n_tt_triple):
            specs.append(("train_train_same_label", [("train", "a")] * 3))
        total = sum(spec_size(s) for s in specs)
        if cfg["duplicate_images"] is not None:
            assert total == cfg["duplicate_images"], (total, cfg["duplicate_images"])
        self.planned_duplicate_images = total

        for kind, sp in specs:
            if kind == "transitive":
                self._transitive(sp)
            else:
                self.exact_family(kind, self.pick_members(sp))

    def _transitive(self, variant: str):
        """Bridging image X: chunk files show 1.0-group g1 = A + {X}; a per-cluster file shows
        X with a different 1.0-group g2 = {X} + B (B's own item carries g2 everywhere)."""
        if variant == "ttt_same":
            a, x, b = self.pick_members([("train", "a")] * 3)
            A, B = [a], [b]
        elif variant == "vv_t_merge_leak":  # val-val in g1: a leak only after the merge
            a, x, b = self.pick_members([("val", "a"), ("val", "a"), ("train", "a")])
            A, B = [a], [b]
        elif variant == "tt_v_diff":
            a, x, b = self.pick_members([("train", "a"), ("train", "a"), ("val", "b")])
            A, B = [a], [b]
        elif variant == "tttt_same":
            a1, a2, x, b = self.pick_members([("train", "a")] * 4)
            A, B = [a1, a2], [b]
        else:  # vvv_same
            a, x, b = self.pick_members([("val", "a")] * 3)
            A, B = [a], [b]
        groups = []
        for lvl in LEVELS:
            groups.append((lvl, [(g, 0) for g in A] + [(x, 0)]))
            groups.append((lvl, [(x, 1)] + [(g, 0) for g in B]))
        self.add_family("transitive_" + variant, groups, A + [x] + B,
                        extra={"bridge": x, "side_a": sorted(A + [x]), "side_b": sorted([x] + B)})

    def plan_near(self):
        rng = self.rng
        nc = self.cfg["near"]

        def lmax():
            return rng.choice(NEAR_LEVELS)

        def near_family(kind, members, tops):
            groups = []
            for lvl in NEAR_LEVELS:
                refs = [(g, 0) for g, t in zip(members, tops) if t >= lvl]
                if refs:
                    assert len(refs) >= 2
                    groups.append((lvl, refs))
            self.add_family(kind, groups, [])

        for kind, key in (("near_train_val", "train_val"), ("near_train_train", "train_train"),
                          ("near_val_val", "val_val")):
            s1, s2 = key.split("_")
            for i in range(nc[key]):
                letters = ("a", "a") if i % 3 else ("a", "b")
                m = self.pick_members([(s1, letters[0]), (s2, letters[1])])
                t = lmax()
                near_family(kind, m, [t, t])
        for i in range(nc["triple"]):
            m = self.pick_members([("train", "a"), ("val", "a"), ("train", "a")])
            hi = rng.choice(NEAR_LEVELS[1:])
            lo = rng.choice([lv for lv in NEAR_LEVELS if lv < hi])
            near_family("near_triple", m, [hi, hi, lo])
        # near images attached to an exact cluster at lower levels only
        exact_fams = [f for f in self.families if f["exact"] and not f["kind"].startswith("transitive")]
        chosen = rng.sample(range(len(exact_fams)), nc["attached"])
        for j, idx in enumerate(sorted(chosen)):
            fam = exact_fams[idx]
            split = "val" if j % 3 == 0 else "train"
            c = self.label_of(fam["exact"][0])
            if (split == "train" and self.train_free(c)) or (split == "val" and self.val_free(c)):
                n = self.pick_train(c) if split == "train" else self.pick_val(c)
            else:
                n = self.pick_any(split)
            t = rng.choice(NEAR_LEVELS)
            for grp in fam["groups"]:
                if grp["level"] <= t:
                    grp["refs"].append((n, 0))
            fam["members"].add(n)
            fam.setdefault("attached", []).append(n)
            self.family_of[n] = fam["index"]

    def plan_singletons(self):
        for i in range(self.cfg["singletons"]):
            g = self.pick_any("val" if i % 3 == 1 else "train")
            self.add_family("singleton", [(lvl, [(g, 0)]) for lvl in LEVELS], [])

    # ---- findings --------------------------------------------------------------------------
    def plan_findings(self):
        rng = self.rng
        dup_by_split = {"train": [], "val": []}
        for g in sorted(self.family_of):
            dup_by_split[self.split_of(g)].append(g)
        with_findings = {"train": [], "val": []}
        for itype in FINDING_TYPES:
            n_tr, n_va = self.cfg["findings"][itype]
            for split, n in (("train", n_tr), ("val", n_va)):
                for _ in range(n):
                    g = None
                    r = rng.random()
                    pool = dup_by_split[split] if r < 0.06 else with_findings[split] if r < 0.16 else None
                    if pool:
                        for _try in range(20):
                            cand = rng.choice(pool)
                            if itype not in self.findings.get(cand, {}):
                                g = cand
                                break
                    if g is None:
                        g = self.pick_any(split)
                    if g not in self.findings:
                        self.findings[g] = {}
                        with_findings[split].append(g)
                    self.findings[g][itype] = self._finding_props(itype, g)

    def _finding_props(self, itype: str, g: int) -> dict:
        rng = self.rng
        if itype == "mislabels":
            conf = round(rng.uniform(0.9005, 0.995), 6) if rng.random() < 0.4 else round(rng.uniform(0.5, 0.9), 6)
            c = self.label_of(g)
            while True:
                s = min(999, max(0, c + rng.randint(-5, 5))) if rng.random() < 0.5 else rng.randrange(1000)
                if s != c:
                    break
            return {"issue_type": "mislabels", "confidence": conf,
                    "issues_description": self.label_name(s), "_suggested": s}
        return {"issue_type": itype, "confidence": round(rng.uniform(0.5, 0.99), 6)}

    # ---- opaque ids ------------------------------------------------------------------------
    def plan_opaque(self):
        rng = self.rng
        k = max(1, int(self.N * self.cfg["opaque_fraction"]))
        opaque = set(rng.sample(range(self.N), k))
        # force a few planted images to be opaque, so every case has opaque members
        by_kind = {}
        for f in self.families:
            by_kind.setdefault(f["kind"], []).append(f)
        forced = []
        for kind, pos in (("leak_diff_label", 0), ("leak_same_label", 1), ("val_val_same_label", 1),
                          ("train_train_same_label", 0), ("big_leak_mixed", 0),
                          ("near_train_val", 1), ("leak_2val_1train", 0)):
            if by_kind.get(kind):
                fam = by_kind[kind][0]
                members = sorted(fam["members"], key=lambda g: (self.split_of(g) != "val", g))
                forced.append(members[min(pos, len(members) - 1)])
        for kind in sorted(by_kind):
            if kind.startswith("transitive"):
                fam = by_kind[kind][0]
                forced.append(min(g for g in fam["side_b"] if g != fam["bridge"]))
                break
        fg = sorted(self.findings)
        if fg:
            forced.append(fg[len(fg) // 2])
        opaque.update(forced)
        self.opaque = {}
        seen = set()
        for g in sorted(opaque):
            h = uuid.uuid5(NAMESPACE, f"opaque/{self.seed}/{self.orig_id(g)}").hex[:12]
            assert h not in seen
            seen.add(h)
            self.opaque[g] = "img_" + h

    def image_id(self, g: int) -> str:
        return self.opaque.get(g) or self.orig_id(g)

    def path(self, g: int) -> str:
        if g in self.opaque:
            return f"images/{self.opaque[g]}.JPEG"
        return self.orig_path(g)

    # ---- run -------------------------------------------------------------------------------
    def plan(self):
        self.plan_clusters()
        self.plan_near()
        self.plan_singletons()
        self.plan_findings()
        self.plan_opaque()
        self.flagged = sorted(set(self.family_of) | set(self.findings), key=self.image_id)
        self.ids = {g: self.image_id(g) for g in self.flagged}
        self.by_id = {v: k for k, v in self.ids.items()}
        assert len(self.by_id) == len(self.ids)
        self._truth_structures()
        self._plan_tags()
        self._build_items()

    def _truth_structures(self):
        ids = self.ids
        # exact clusters: union-find over the 1.0-level groups of all views
        uf = UnionFind()
        for fam in self.families:
            for grp in fam["groups"]:
                if grp["level"] == EXACT:
                    refs = [g for g, _ in grp["refs"]]
                    for g in refs:
                        uf.find(ids[g])
                    for g in refs[1:]:
                        uf.union(ids[refs[0]], ids[g])
        clusters = sorted(sorted(c) for c in uf.groups() if len(c) >= 2)
        planned = sorted(sorted(ids[g] for g in f["exact"]) for f in self.families if f["exact"])
        assert clusters == planned, "exact clusters differ from the plan"
        self.clusters = clusters
        self.cluster_of = {m: i for i, c in enumerate(clusters) for m in c}
        # near-duplicate components
        uf2 = UnionFind()
        for fam in self.families:
            for grp in fam["groups"]:
                if grp["level"] >= EXACT:
                    continue
                mem = sorted({ids[g] for g, _ in grp["refs"]})
                cl = {self.cluster_of.get(m, -1 - k) for k, m in enumerate(mem)}
                if len(cl) == 1 and next(iter(cl)) >= 0:
                    continue  # all inside one exact cluster
                for m in mem:
                    uf2.find(m)
                for m in mem[1:]:
                    uf2.union(mem[0], m)
        self.near_clusters = sorted(sorted(c) for c in uf2.groups() if len(c) >= 2)
        self.singletons = sorted(ids[m] for f in self.families if f["kind"] == "singleton" for m in f["members"])
        self.cluster_kind = {}
        for f in self.families:
            if f["exact"]:
                self.cluster_kind[tuple(sorted(ids[g] for g in f["exact"]))] = f["kind"]

    def _plan_tags(self):
        rng = self.rng
        self.user_tags = {}   # g -> list of metadata entries
        self.split_tags = {}  # image_id -> {"split", "variant"}
        created = self.anchor - timedelta(days=60)
        opaque_flagged = [g for g in self.flagged if g in self.opaque]
        in_cluster = [g for g in opaque_flagged if self.ids[g] in self.cluster_of]
        forced = {}
        if in_cluster:
            forced[in_cluster[0]] = None
        if len(in_cluster) > 1:
            forced[in_cluster[1]] = "properties"
        if len(in_cluster) > 2:
            forced[in_cluster[2]] = "item_level"
        for g in opaque_flagged:
            if g in forced:
                variant = forced[g]
            else:
                r = rng.random()
                variant = None if r < 0.5 else ("item_level" if r < 0.58 else "properties")
            split = self.split_of(g)
            if variant is None:
                continue
            if variant == "item_level":
                entry = {"type": "user_tag", "tag_name": split}
            else:
                when = created + timedelta(days=rng.randint(1, 30), seconds=rng.randint(0, 86399), microseconds=rng.randint(0, 999999))
                entry = {"type": "user_tag", "properties": {"tag_name": split, "assigned_date": iso_micro(when)}}
            self.user_tags.setdefault(g, []).append(entry)
            self.split_tags[self.ids[g]] = {"split": split, "variant": variant}
        n_review = max(3, len(self.flagged) // 70)
        for g in sorted(rng.sample(self.flagged, n_review), key=lambda x: self.ids[x]):
            when = created + timedelta(days=rng.randint(1, 30), seconds=rng.randint(0, 86399), microseconds=rng.randint(0, 999999))
            self.user_tags.setdefault(g, []).append(
                {"type": "user_tag", "properties": {"tag_name": "needs_review", "assigned_date": iso_micro(when)}})
        self.needs_review = sorted(self.ids[g] for g, tags in self.user_tags.items()
                                   if any((t.get("properties") or {}).get("tag_name") == "needs_review" for t in tags))
        self.unknown_split = sorted(self.ids[g] for g in opaque_flagged if self.ids[g] not in self.split_tags)
        self.unknown_split_in_clusters = [i for i in self.unknown_split if i in self.cluster_of]
        assert self.unknown_split_in_clusters, "plant at least one unknown-split image in a cluster"

    def _build_items(self):
        """One serialized JSON text per (image, view); repeated copies reuse the same text."""
        rng = self.rng
        ids = self.ids
        dims = [(375, 500), (500, 375), (333, 500), (500, 333), (400, 500), (500, 400),
                (500, 500), (480, 640), (334, 500), (768, 1024), (281, 500), (500, 357)]
        n_vc = max(12, len(self.flagged) // 12)
        vclusters = [uid(self.seed, "visual-cluster", j) for j in range(n_vc)]
        fam_attr = {}
        for fam in self.families:
            kb = rng.uniform(9, 240)
            fam_attr[fam["index"]] = {"vc": rng.randrange(n_vc), "dims": rng.choice(dims), "kb": kb}
        dup_issues = {}  # (g, view) -> {level: entry}
        for fam in self.families:
            for grp in fam["groups"]:
                for g, view in grp["refs"]:
                    d = dup_issues.setdefault((g, view), {})
                    assert grp["level"] not in d, "two duplicate issues at one level"
                    d[grp["level"]] = {"type": "issue", "properties": {
                        "issue_type": "duplicates", "confidence": self._conf(),
                        "duplicate_group_id": grp["id"], "duplicate_threshold": grp["level"]}}
        self.item_text = {}
        self.gt_text = {}
        self.png_key = {}
        for g in self.flagged:
            iid = ids[g]
            path = self.path(g)
            media_id = uid_media(iid)
            c = self.label_of(g)
            fi = self.family_of.get(g)
            fam = self.families[fi] if fi is not None else None
            in_exact = fam is not None and g in fam["exact"]
            if fam is not None and (in_exact or fam["kind"].startswith("near") or fam.get("attached")):
                fa = fam_attr[fi]
                h, w = fa["dims"]
                kb = fa["kb"] if in_exact else fa["kb"] * rng.uniform(0.9, 1.1)
                vc = fa["vc"]
            else:
                h, w = rng.choice(dims)
                kb = rng.uniform(6, 260)
                vc = rng.randrange(n_vc)
            size = f"{kb / 1024:.2f}MB" if kb >= 1024 else f"{kb:.2f}KB"
            if rng.random() < 0.02:
                size = f"{rng.uniform(1.0, 3.5):.2f}MB"
            uniq = rng.uniform(0.0, 0.35) if fam is not None else rng.random()
            r = rng.random()
            if c in self.ambiguous or r < 0.8:
                text = self.wnid[c]
            elif r < 0.9:
                text = self.clean[c].replace(" ", "_")
            else:
                text = str(c)
            self.gt_text[iid] = text
            labels = [{"type": "image_label", "properties": {
                "original_id": -1, "category_name": w_, "source": "Visual Layer"}}
                for w_ in rng.sample(self.auto_words, rng.randint(2, 4))]
            labels.insert(rng.randint(0, len(labels)), {"type": "image_label", "properties": {
                "original_id": -1, "category_name": text, "source": "User"}})
            others = []
            for itype in FINDING_TYPES:
                p = self.findings.get(g, {}).get(itype)
                if p:
                    others.append({"type": "issue", "properties": {k: v for k, v in p.items() if not k.startswith("_")}})
            tags = self.user_tags.get(g, [])
            for view in (0, 1):
                if view == 1 and (g, 1) not in dup_issues:
                    continue
                dups = [dup_issues[(g, view)][lv] for lv in LEVELS if lv in dup_issues.get((g, view), {})]
                item = {
                    "media_id": media_id,
                    "media_type": "image",
                    "file_name": path.rsplit("/", 1)[-1],
                    "file_path": "imagenet1k/" + path,
                    "file_size": size,
                    "uniqueness_score": uniq,
                    "height": h,
                    "width": w,
                    "url": f"{VL_HOST}/dataset/{self.dataset_uuid}/data/image/{media_id}",
                    "cluster_id": vclusters[vc],
                    "metadata_items": dups + others + labels + tags,
                }
                self.item_text[(g, view)] = dumps(item)
            # picture
            tone = "dark" if "dark" in self.findings.get(g, {}) else "bright" if "bright" in self.findings.get(g, {}) else None
            if in_exact:
                self.png_key[g] = ("exact:" + ids[min(fam["exact"], key=lambda x: ids[x])], 0, None)
            elif fam is not None and fam.get("attached") and g in fam["attached"]:
                self.png_key[g] = ("exact:" + ids[min(fam["exact"], key=lambda x: ids[x])], 1 + fam["attached"].index(g), None)
            elif fam is not None and fam["kind"].startswith("near"):
                mem = sorted(fam["members"], key=lambda x: ids[x])
                self.png_key[g] = ("near:" + ids[mem[0]], mem.index(g), tone)
            else:
                self.png_key[g] = ("img:" + iid, 0, tone)

    # ---- writing ---------------------------------------------------------------------------
    def write(self, out: Path):
        t0 = time.time()
        out.mkdir(parents=True)
        self.timings = {}
        self.write_manifest(out)
        self.timings["manifest"] = time.time() - t0
        t1 = time.time()
        self.write_export(out)
        self.timings["vl_export"] = time.time() - t1
        t1 = time.time()
        self.write_images(out)
        self.timings["images"] = time.time() - t1
        self.write_team_clusters(out)
        self.write_decisions(out)
        self.write_team_legacy_files(out)
        self.write_vl_formats(out)
        self.write_truth(out)
        if self.formats:
            self.write_extra_formats(out)

    def write_manifest(self, out: Path):
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET memory_limit = '1GB'")
        con.execute("""CREATE TABLE cls AS SELECT unnest(w) AS wnid, unnest(range(0, len(w))) AS class_index,
                       unnest(nt) AS n_train FROM (SELECT string_split($1, ',') AS w,
                       string_split($2, ',')::BIGINT[] AS nt)""",
                    [",".join(self.wnid), ",".join(map(str, self.n_train))])
        con.execute("""CREATE TABLE vl AS SELECT unnest(l) AS label, unnest(range(1, len(l) + 1)) AS n
                       FROM (SELECT string_split($1, ',')::BIGINT[] AS l)""",
                    [",".join(map(str, self.val_labels))])
        og = sorted(self.opaque)
        con.execute("""CREATE TABLE opq AS SELECT unnest(string_split($1, ',')) AS orig_id,
                       unnest(string_split($2, ',')) AS opaque_id""",
                    [",".join(self.orig_id(g) for g in og), ",".join(self.opaque[g] for g in og)])
        con.execute("""
            CREATE VIEW manifest AS
            WITH tr AS (SELECT class_index AS label, wnid, unnest(range(n_train)) AS i FROM cls),
            alli AS (
                SELECT wnid || '_' || CAST(1 + 13 * i + ((i * i + label) % 11) AS VARCHAR) AS orig_id,
                       'train' AS split, label, wnid FROM tr
                UNION ALL
                SELECT 'ILSVRC2012_val_' || lpad(CAST(v.n AS VARCHAR), 8, '0'), 'val', v.label, c.wnid
                FROM vl v JOIN cls c ON c.class_index = v.label)
            SELECT coalesce(o.opaque_id, a.orig_id)::VARCHAR AS image_id,
                   (CASE WHEN o.opaque_id IS NOT NULL THEN 'images/' || o.opaque_id || '.JPEG'
                         ELSE a.split || '/' || a.wnid || '/' || a.orig_id || '.JPEG' END)::VARCHAR AS path,
                   a.split::VARCHAR AS split, a.label::INTEGER AS label
            FROM alli a LEFT JOIN opq o USING (orig_id)""")
        n, nd, ntr = con.execute("SELECT count(*), count(DISTINCT image_id), count(*) FILTER (split = 'train') FROM manifest").fetchone()
        assert n == self.N and nd == n and ntr == self.N_train, (n, nd, ntr)
        # the Python side (flagged images) and the SQL side must agree
        fl = self.flagged
        con.execute("""CREATE TABLE fl AS SELECT unnest(string_split($1, ',')) AS image_id,
                       unnest(string_split($2, ',')) AS path, unnest(string_split($3, ',')) AS split,
                       unnest(string_split($4, ',')::INTEGER[]) AS label""",
                    [",".join(self.ids[g] for g in fl), ",".join(self.path(g) for g in fl),
                     ",".join(self.split_of(g) for g in fl), ",".join(str(self.label_of(g)) for g in fl)])
        (m,) = con.execute("SELECT count(*) FROM fl JOIN manifest USING (image_id, path, split, label)").fetchone()
        assert m == len(fl), f"flagged images not found in manifest: {len(fl) - m}"
        pq = sql_str(out / "manifest.parquet")
        con.execute(f"COPY (SELECT * FROM manifest ORDER BY image_id) TO {pq} "
                    "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 131072)")
        if self.profile == "small":
            con.execute(f"COPY (SELECT * FROM read_parquet({pq}) ORDER BY image_id) "
                        f"TO {sql_str(out / 'manifest.csv')} (HEADER, DELIMITER ',')")
        con.close()

    def _info(self, n_items: int, export_time: datetime) -> dict:
        return {
            "schema_version": "1.1",
            "dataset": "imagenet1k",
            "description": "Exported from imagenet1k at Visual Layer",
            "dataset_url": f"{VL_HOST}/dataset/{self.dataset_uuid}/data",
            "export_time": iso_micro(export_time),
            "dataset_creation_time": iso_micro(self.anchor - timedelta(days=61, hours=5, minutes=12, seconds=7, microseconds=418233)),
            "exported_by": "ImageNet Cleaning Team",
            "total_media_items": n_items,
        }

    def _write_export_file(self, path: Path, texts: list[str], export_time: datetime):
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"info":' + dumps(self._info(len(texts), export_time)) + ',"media_items":[')
            f.write(",".join(texts))
            f.write("]}")

    def write_export(self, out: Path):
        rng = self.rng
        exp = out / "vl_export"
        (exp / "clusters").mkdir(parents=True)
        order = list(self.flagged)
        rng.shuffle(order)
        size = self.cfg["chunk_size"]
        ov = max(1, size * 3 // 100)
        step = size - ov
        base_time = self.anchor - timedelta(days=20, hours=3, minutes=41, seconds=12, microseconds=164184)
        self.chunk_files = []
        self.chunk_of = {}
        start = 0
        i = 0
        while True:
            part = order[start:start + size]
            name = f"metadata_part_{i:04d}.json"
            self._write_export_file(exp / name, [self.item_text[(g, 0)] for g in part],
                                    base_time + timedelta(minutes=7 * i, seconds=13 * i))
            self.chunk_files.append(name)
            for g in part:
                self.chunk_of.setdefault(self.ids[g], set()).add(i)
            if start + size >= len(order):
                break
            start += step
            i += 1
        # per-cluster exports
        self.cluster_files = []
        t = base_time + timedelta(hours=2)
        simple = [f for f in self.families if f["exact"] and not f["kind"].startswith("transitive")]
        pick = sorted(rng.sample(range(len(simple)), min(self.cfg["per_cluster_files"], len(simple))))
        k = 0
        for j in pick:
            fam = simple[j]
            grp = next(gr for gr in fam["groups"] if gr["level"] == EXACT)
            members = sorted((g for g, _ in grp["refs"]), key=lambda g: self.ids[g])
            name = f"cluster_{grp['id']}.json"
            self._write_export_file(exp / "clusters" / name, [self.item_text[(g, 0)] for g in members],
                                    t + timedelta(minutes=3 * k))
            self.cluster_files.append(name)
            k += 1
        self.transitive = []
        for fam in self.families:
            if not fam["kind"].startswith("transitive"):
                continue
            grp = next(gr for gr in fam["groups"] if gr["level"] == EXACT and (fam["bridge"], 1) in gr["refs"])
            texts = [self.item_text[(g, v)] for g, v in sorted(grp["refs"], key=lambda r: self.ids[r[0]])]
            name = f"cluster_{grp['id']}.json"
            self._write_export_file(exp / "clusters" / name, texts, t + timedelta(minutes=3 * k))
            self.cluster_files.append(name)
            k += 1
            self.transitive.append({
                "bridge": self.ids[fam["bridge"]],
                "chunk_group": sorted(self.ids[g] for g in fam["side_a"]),
                "cluster_file_group": sorted(self.ids[g] for g in fam["side_b"]),
                "cluster_file": "clusters/" + name,
                "kind": fam["kind"],
            })
        # clusters whose members never all appear together in one chunk file
        self.n_spanning = sum(1 for c in self.clusters if not set.intersection(*(self.chunk_of[m] for m in c)))

    def write_images(self, out: Path):
        cache = {}
        made = set()
        root = out / "images"
        for g in self.flagged:
            p = root / self.path(g)
            d = p.parent
            if d not in made:
                d.mkdir(parents=True, exist_ok=True)
                made.add(d)
            key = self.png_key[g]
            data = cache.get(key)
            if data is None:
                data = cache[key] = png_bytes(*key)
            with open(p, "wb") as f:
                f.write(data)

    def write_team_clusters(self, out: Path):
        self.team_clusters = []
        n = self.cfg["team_clusters"]
        if not n:
            return
        wanted = ["leak_diff_label", "leak_same_label", "train_train_same_label", "val_val_same_label",
                  "big_leak_mixed", "transitive_ttt_same", "leak_2val_1train", "train_train_diff_label"]
        chosen = []
        for kind in wanted:
            for c in self.clusters:
                if self.cluster_kind[tuple(c)] == kind and c not in chosen:
                    chosen.append(c)
                    break
            if len(chosen) == n:
                break
        entries = []
        for k, c in enumerate(chosen):
            imgs = []
            for iid in c:
                g = self.by_id[iid]
                path = self.path(g)
                if k == 4:  # alias keys
                    imgs.append({"image_id": iid, "image_path": path, "class": self.label_of(g),
                                 "filename": path.rsplit("/", 1)[-1]})
                else:
                    imgs.append({"id": iid, "path": path, "label": self.label_of(g),
                                 "filename": path.rsplit("/", 1)[-1]})
            entry = {"cluster_id": f"cluster_{k + 1:03d}"}
            entry["members" if k in (3, 4) else "images"] = imgs
            entries.append(entry)
        with open(out / "team_clusters.json", "w", encoding="utf-8") as f:
            json.dump({"clusters": entries}, f, indent=2, sort_keys=True)
            f.write("\n")
        self.team_clusters = sorted(chosen)

    def write_team_legacy_files(self, out: Path):
        """(small profile) The team's older files: their tagged manifest CSV and their two
        leak report shapes, each agreeing with the planted leaks in part, so a comparison
        has agreed pairs, pairs only they list and pairs only the pipeline finds."""
        self.team_legacy = {}
        if not self.cfg["team_clusters"]:
            return
        leaked = sorted(self.leaked_val_ids())
        pairs = {v: sorted(m for m in self.clusters[self.cluster_of[v]]
                           if self.split_of(self.by_id[m]) == "train") for v in leaked}
        analyzer, detector = leaked[:8], leaked[6:12]  # two shared val images
        wrong = [(leaked[-1], pairs[leaked[-2]][0]), (leaked[-2], pairs[leaked[-1]][0])]
        header = ["cluster_id", "leak_type", "train_image_path", "train_image_id", "train_label",
                  "val_image_path", "val_image_id", "val_label", "labels_in_cluster",
                  "recommended_action", "priority"]
        rows = []
        for k, v in enumerate(analyzer):
            for t in pairs[v]:
                same = self.label_of(self.by_id[t]) == self.label_of(self.by_id[v])
                rows.append([f"cluster_{k + 1:03d}", "same_label" if same else "different_labels",
                             self.path(self.by_id[t]), t, self.label_of(self.by_id[t]),
                             self.path(self.by_id[v]), v, self.label_of(self.by_id[v]),
                             1 if same else 2, "REMOVE_VAL" if same else "REVIEW_MANUAL",
                             "MEDIUM" if same else "HIGH"])
        for k, (v, t) in enumerate(wrong):
            rows.append([f"cluster_9{k:02d}", "different_labels", self.path(self.by_id[t]), t,
                         self.label_of(self.by_id[t]), self.path(self.by_id[v]), v,
                         self.label_of(self.by_id[v]), 2, "REVIEW_MANUAL", "HIGH"])
        (out / "team_leak_reports").mkdir()
        with open(out / "team_leak_reports" / "team_leaks_from_vl.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        with open(out / "team_leak_reports" / "team_train_test_leaks.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["train_image", "test_image", "method", "similarity", "leak_type",
                        "hamming_distance"])
            for v in detector:
                for t in pairs[v]:
                    w.writerow([self.path(self.by_id[t]), self.path(self.by_id[v]), "md5_exact",
                                "1.0", "exact_duplicate", 0])
        theirs = {(v, t) for v in analyzer + detector for t in pairs[v]} | set(wrong)
        ours = {(v, t) for v in leaked for t in pairs[v]}
        # Flags: mislabels VL also has, and outliers only the team saw (duplicate members).
        mis = sorted((g for g, f in self.findings.items() if "mislabels" in f), key=lambda g: self.ids[g])[:5]
        quiet = sorted((self.by_id[m] for c in self.clusters for m in c if self.by_id[m] not in self.findings),
                       key=lambda g: self.ids[g])[:5]
        flag_rows, flags = [], []
        for g in mis + quiet:
            is_mis = g in mis
            sug = self.findings[g]["mislabels"]["_suggested"] if is_mis else ""
            conf = self.findings[g]["mislabels"]["confidence"] if is_mis else 0.71
            flag_rows.append([self.ids[g], self.path(g), "imagenet1k", self.split_of(g), self.label_of(g),
                              "mislabel" if is_mis else "outlier", conf, sug,
                              "High confidence mismatch" if is_mis else "far from its class",
                              "mislabel_uncertain" if is_mis else "outlier_valid", "", "", "", "", ""])
            flags.append({"image_id": self.ids[g], "issue_type": "mislabel" if is_mis else "outlier",
                          "suggested_class_index": sug if is_mis else None})
        with open(out / "team_tagged_manifest.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["image_id", "image_path", "dataset", "split", "original_label", "vl_flag_type",
                        "vl_confidence", "vl_suggested_label", "vl_reason", "user_tags", "user_action",
                        "new_label", "reviewer", "review_date", "notes"])
            w.writerows(flag_rows)
        self.team_legacy = {
            "files": ["team_leak_reports/team_leaks_from_vl.csv",
                      "team_leak_reports/team_train_test_leaks.csv", "team_tagged_manifest.csv"],
            "leak_pairs": {
                "agreed": sorted(map(list, theirs & ours)),
                "only_theirs": sorted(map(list, theirs - ours)),
                "only_ours": sorted(map(list, ours - theirs)),
            },
            "tagged_flags": sorted(flags, key=lambda x: (x["image_id"], x["issue_type"])),
        }

    def write_decisions(self, out: Path):
        rng = self.rng
        d = out / "decisions"
        d.mkdir()
        mis = sorted((g for g, f in self.findings.items() if "mislabels" in f), key=lambda g: self.ids[g])
        chosen = sorted(rng.sample(mis, min(self.cfg["decisions"], len(mis))), key=lambda g: self.ids[g])
        rng.shuffle(chosen)
        leaks = sorted(v for v in self.leaked_val_ids())
        leak_pick = [self.by_id[v] for v in rng.sample(leaks, min(3, len(leaks)))]

        def decision_for(g, action):
            sug = self.findings[g]["mislabels"]["_suggested"]
            if action == "remove":
                return ("mislabel_confirmed", "remove", "", "label is wrong")
            if action == "relabel":
                return ("relabel", "relabel", str(sug), f"looks like {self.label_name(sug)}")
            if action == "keep":
                return ("keep", "keep", "", "label is fine")
            return ("mislabel_uncertain", "defer", "", "cannot tell, needs a second look")

        alice_actions = {}
        for g in chosen:
            r = rng.random()
            alice_actions[g] = "remove" if r < 0.4 else "relabel" if r < 0.75 else "keep" if r < 0.95 else "defer"
        flip = {"remove": "relabel", "relabel": "keep", "keep": "remove", "defer": "remove"}
        n_dis = min(10, len(chosen) // 6)
        disagree = set(chosen[:n_dis])
        bob_actions = {g: (flip[a] if g in disagree else a) for g, a in alice_actions.items()}
        revised = next(g for g in chosen[n_dis:] if alice_actions[g] != "defer")

        start_a = self.anchor - timedelta(days=14) + timedelta(hours=10, minutes=3)
        start_b = self.anchor - timedelta(days=13) + timedelta(hours=9, minutes=31)
        rows_a, rows_b = [], []
        t = start_a
        for g in chosen:
            tags, action, new, note = decision_for(g, alice_actions[g])
            rows_a.append([self.ids[g], "", "alice", iso_z(t), tags, action, new, note])
            t += timedelta(minutes=rng.randint(2, 9), seconds=rng.randint(0, 59))
        for g in leak_pick:
            rows_a.append([self.ids[g], "", "alice", iso_z(t), "not_duplicate", "keep", "",
                           "different photo, same scene"])
            t += timedelta(minutes=rng.randint(2, 9))
        t = start_b
        order_b = list(chosen)
        rng.shuffle(order_b)
        for g in order_b:
            if g == revised:
                tags, action, new, note = decision_for(g, "defer")
            else:
                tags, action, new, note = decision_for(g, bob_actions[g])
            rows_b.append([self.ids[g], "", "bob", iso_z(t), tags, action, new, note])
            t += timedelta(minutes=rng.randint(2, 9), seconds=rng.randint(0, 59))
        for g in leak_pick[:2]:
            rows_b.append([self.ids[g], "", "bob", iso_z(t), "not_duplicate;keep", "keep", "",
                           "near copy, but a different photo, keep"])
            t += timedelta(minutes=rng.randint(2, 9))
        t = self.anchor - timedelta(days=10) + timedelta(hours=15, minutes=20)
        tags, action, new, note = decision_for(revised, bob_actions[revised])
        rows_b.append([self.ids[revised], "", "bob", iso_z(t), tags, action, new, "revised after discussion, " + note])
        header = ["image_id", "cluster_id", "reviewer", "decided_at", "tags", "action", "new_label", "note"]
        for name, rows in (("alice", rows_a), ("bob", rows_b)):
            for r in rows:
                for tag in r[4].split(";"):
                    assert tag in self.tag_names, tag
            with open(d / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                w.writerows(rows)
        self.decisions = {
            "files": ["decisions/alice.csv", "decisions/bob.csv"],
            "alice": [dict(zip(header, r)) for r in rows_a],
            "bob": [dict(zip(header, r)) for r in rows_b],
            "disagreements": sorted(self.ids[g] for g in disagree),
            "revised": [{"reviewer": "bob", "image_id": self.ids[revised]}],
            "leak_keep_overrides": {"alice": sorted(self.ids[g] for g in leak_pick),
                                    "bob": sorted(self.ids[g] for g in leak_pick[:2])},
        }

    # ---- the same export in other VL-shaped formats (--formats) ----------------------------
    def merged_items(self) -> list[dict]:
        """Each exported image once, carrying the metadata entries of all its copies."""
        items = []
        for g in self.flagged:
            item = json.loads(self.item_text[(g, 0)])
            if (g, 1) in self.item_text:
                for entry in json.loads(self.item_text[(g, 1)])["metadata_items"]:
                    if entry not in item["metadata_items"]:
                        item["metadata_items"].append(entry)
            items.append(item)
        return items

    def _write_parquet(self, shards: dict[Path, list[dict]]):
        """Rows -> Parquet through DuckDB's JSON reader (nested lists become list<struct>);
        the shards of one table are typed together, so they share one schema."""
        first = next(iter(shards))
        first.parent.mkdir(parents=True, exist_ok=True)
        lines = first.parent / ".rows.jsonl"
        with open(lines, "w", encoding="utf-8") as f:
            for n, rows in enumerate(shards.values()):
                for row in rows:
                    f.write(dumps({"_shard": n, **row}) + "\n")
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_json({sql_str(lines)}, "
                    "format = 'newline_delimited', sample_size = -1)")
        for n, path in enumerate(shards):
            con.execute(f"COPY (SELECT * EXCLUDE (_shard) FROM t WHERE _shard = {n}) "
                        f"TO {sql_str(path)} (FORMAT parquet)")
        con.close()
        lines.unlink()

    def _hf_rows(self, items: list[dict], shape: str) -> dict[str, list[dict]]:
        """Hugging Face vl-enriched rows by shard split: exact-level duplicate groups and the
        other issues; `self` shape: every group id is the image's own id."""
        shards = {"train": [], "validation": []}
        for g, item in zip(self.flagged, items):
            issues = []
            for entry in item["metadata_items"]:
                p = entry.get("properties", {})
                if entry["type"] != "issue":
                    continue
                if p["issue_type"] == "duplicates":
                    if p["duplicate_threshold"] != EXACT:
                        continue
                    group = item["media_id"] if shape == "hf-imagenet-self" else p["duplicate_group_id"]
                    issue = {"issue_type": "duplicates", "confidence": p["confidence"],
                             "description": None, "duplicate_group_id": group}
                else:
                    issue = {"issue_type": p["issue_type"], "confidence": p["confidence"],
                             "description": p.get("issues_description"), "duplicate_group_id": None}
                if issue not in issues:
                    issues.append(issue)
            c = self.label_of(g)
            if shape == "hf-uri":
                row = {"image_uri": f"https://datasets-server.invalid/imagenet-1k-vl-enriched/images/{item['file_name']}",
                       "image_label": self.wnid[c],
                       "image_issues": [{k: i[k] for k in ("confidence", "description", "duplicate_group_id", "issue_type")}
                                        for i in issues]}
            else:
                row = {"image_id": item["file_name"], "label": c, "issues": issues}
            shards["train" if self.split_of(g) == "train" else "validation"].append(row)
        return shards

    def write_vl_formats(self, out: Path):
        self.vl_format_files = {}
        self.hf_self_groups = 0
        if not self.vl_formats:
            return
        items = self.merged_items()
        for fmt in self.vl_formats:
            folder = {"parquet-nested": "vl_export_parquet_nested", "parquet-json": "vl_export_parquet_json",
                      "csv-normalized": "vl_export_csv_normalized", "mislabel-csv": "vl_mislabel_csv",
                      "hf-imagenet": "hf_imagenet", "hf-imagenet-self": "hf_imagenet_self",
                      "hf-uri": "hf_uri"}[fmt]
            written = []
            if fmt == "parquet-nested":
                rows = [{("image_filename" if k == "file_name" else k): v for k, v in it.items()} for it in items]
                self._write_parquet({out / folder / "metadata.parquet": rows})
                written.append("metadata.parquet")
            elif fmt == "parquet-json":
                rows = [{**it, "metadata_items": dumps(it["metadata_items"])} for it in items]
                self._write_parquet({out / folder / "metadata.parquet": rows})
                written.append("metadata.parquet")
            elif fmt == "csv-normalized":
                (out / folder).mkdir(parents=True)
                keys = list(items[0])
                with open(out / folder / "metadata.csv", "w", newline="", encoding="utf-8") as f:
                    w = csv.writer(f)
                    w.writerow([""] + keys)  # pandas writes its index as an unnamed first column
                    for i, it in enumerate(items):
                        w.writerow([i] + [str(it[k]) if k == "metadata_items" else it[k] for k in keys])
                written.append("metadata.csv")
            elif fmt == "mislabel-csv":
                (out / folder).mkdir(parents=True)
                with open(out / folder / "mislabel_analysis.csv", "w", newline="", encoding="utf-8") as f:
                    w = csv.writer(f)
                    w.writerow(["media_id", "file_name", "original_label", "suggested_label", "confidence", "bbox"])
                    for g, it in zip(self.flagged, items):
                        m = self.findings.get(g, {}).get("mislabels")
                        if m:
                            w.writerow([it["media_id"], it["file_name"], self.gt_text[self.ids[g]],
                                        m["issues_description"], m["confidence"], ""])
                written.append("mislabel_analysis.csv")
            else:
                shards = self._hf_rows(items, fmt)
                names = [f"{split}-00000-of-00001.parquet" for split in shards]
                self._write_parquet({out / folder / n: rows for n, rows in zip(names, shards.values())})
                written += names
                if fmt == "hf-imagenet-self":
                    key = "issues"
                    self.hf_self_groups = sum(
                        1 for rows in shards.values() for r in rows
                        if any(i["issue_type"] == "duplicates" for i in r[key]))
            self.vl_format_files[fmt] = [f"{folder}/{n}" for n in written]

    def leaked_val_ids(self):
        out = []
        for c in self.clusters:
            splits = {self.split_of(self.by_id[m]) for m in c}
            if splits == {"train", "val"}:
                out.extend(m for m in c if self.split_of(self.by_id[m]) == "val")
        return out

    def write_truth(self, out: Path):
        split = {iid: self.split_of(g) for g, iid in self.ids.items()}
        label = {iid: self.label_of(g) for g, iid in self.ids.items()}
        leaked = {}
        removals = {}
        multi = []
        n_leak = n_vv = n_tt = 0
        for c in self.clusters:
            sp = {split[m] for m in c}
            labs = {label[m] for m in c}
            if len(labs) > 1:
                multi.append(c)
            if sp == {"train", "val"}:
                n_leak += 1
                tr = [m for m in c if split[m] == "train"]
                for m in c:
                    if split[m] == "val":
                        leaked[m] = {"cluster_members": c, "train_ids": tr,
                                     "train_labels": [label[t] for t in tr],
                                     "labels_agree": all(label[t] == label[m] for t in tr)}
                        removals[m] = "train_val_leak"
            elif sp == {"val"}:
                n_vv += 1
                if len(labs) == 1:
                    for m in c[1:]:
                        removals[m] = "val_duplicate"
            else:
                n_tt += 1
        findings_count = {t: 0 for t in FINDING_TYPES}
        findings_by_image = {}
        mislabels = {}
        for g, f in self.findings.items():
            findings_by_image[self.ids[g]] = sorted(f)
            for t in f:
                findings_count[t] += 1
            if "mislabels" in f:
                mislabels[self.ids[g]] = {"label": self.label_of(g), "suggested_label": f["mislabels"]["_suggested"],
                                          "issues_description": f["mislabels"]["issues_description"],
                                          "confidence": f["mislabels"]["confidence"]}
        if self.profile == "default":
            for t, (a, b) in self.cfg["findings"].items():
                assert findings_count[t] == a + b
        n_val = self.N - self.N_train
        kinds = {}
        for c in self.clusters:
            k = self.cluster_kind[tuple(c)]
            kinds[k] = kinds.get(k, 0) + 1
        dup_images = sum(len(c) for c in self.clusters)
        assert dup_images == self.planned_duplicate_images
        if self.profile == "default":
            assert dup_images == DEFAULT_DUPLICATE_IMAGES
        opaque_exported = sorted(self.ids[g] for g in self.flagged if g in self.opaque)
        truth = {
            "profile": self.profile,
            "seed": self.seed,
            "threshold": 1.0,
            "near_duplicate_threshold": 0.96,
            "duplicate_levels": LEVELS,
            "counts": {
                "train": self.N_train,
                "val": n_val,
                "total": self.N,
                "exported_images": len(self.flagged),
                "duplicate_images": dup_images,
                "duplicate_clusters": len(self.clusters),
                "leak_clusters": n_leak,
                "leaked_val_images": len(leaked),
                "val_val_clusters": n_vv,
                "train_train_clusters": n_tt,
                "multi_label_clusters": len(multi),
                "val_removals": len(removals),
                "clean_val": n_val - len(removals),
                "clean_total": self.N - len(removals),
                "near_duplicate_clusters": len(self.near_clusters),
                "singleton_groups": len(self.singletons),
                "opaque_images": len(self.opaque),
                "opaque_exported_images": len(opaque_exported),
                "clusters_spanning_chunk_files": self.n_spanning,
                "transitive_merge_clusters": len(self.transitive),
                "findings": findings_count,
            },
            "cluster_kinds": kinds,
            "clusters": self.clusters,
            "leaked_val_images": leaked,
            "val_removals": removals,
            "multi_label_clusters": multi,
            "near_duplicate_clusters": self.near_clusters,
            "singleton_groups": self.singletons,
            "transitive_merges": sorted(self.transitive, key=lambda x: x["bridge"]),
            "bridging_images": sorted(x["bridge"] for x in self.transitive),
            "opaque_exported_images": opaque_exported,
            "split_tags": self.split_tags,
            "needs_review_tags": self.needs_review,
            "unknown_split_without_manifest": self.unknown_split,
            "unknown_split_in_clusters_without_manifest": self.unknown_split_in_clusters,
            "ground_truth_label_text": self.gt_text,
            "findings_by_image": findings_by_image,
            "mislabels": mislabels,
            "team_clusters": self.team_clusters,
            "team_legacy": self.team_legacy,
            "decisions": self.decisions,
            "files": {
                "manifest": ["manifest.parquet"] + (["manifest.csv"] if self.profile == "small" else []),
                "vl_export_chunks": ["vl_export/" + n for n in self.chunk_files],
                "vl_export_cluster_files": ["vl_export/clusters/" + n for n in sorted(self.cluster_files)],
                "chunk_size": self.cfg["chunk_size"],
                "chunk_overlap": max(1, self.cfg["chunk_size"] * 3 // 100),
                "images_dir": "images",
            },
        }
        if self.vl_format_files:
            truth["files"]["vl_formats"] = self.vl_format_files
            truth["vl_formats"] = {
                "mislabel_csv_images": sorted(mislabels),
                "hf_self_single_member_groups": self.hf_self_groups,
            }
        with open(out / "truth.json", "w", encoding="utf-8") as f:
            json.dump(truth, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        self.truth = truth

    # ---- other formats of the same findings (--formats) -------------------------------------
    def similarity_pairs(self) -> dict[tuple[str, str], float]:
        """Every duplicate group as a star of pairs (first member by id to each other one),
        each pair at the highest level it is grouped at. Groups only shrink as the level
        rises, so connected components at any level are the same as over VL's groups."""
        pairs = {}
        for fam in self.families:
            for grp in fam["groups"]:
                members = sorted({self.ids[g] for g, _ in grp["refs"]})
                for other in members[1:]:
                    key = (members[0], other)
                    pairs[key] = max(pairs.get(key, 0.0), grp["level"])
        return pairs

    def write_extra_formats(self, out: Path):
        """The same planted duplicates, leaks and findings in fastdup's and VL-datasets'
        formats, with what they must give added to truth.json. A separate random stream,
        so the other files stay byte-identical."""
        rng = random.Random(self.seed * 7 + 1)
        pairs = self.similarity_pairs()
        unused = sorted(g for g in range(self.N) if g not in self.used and g not in self.ids)
        spare = rng.sample(unused, 12)
        spare_ids = {g: self.image_id(g) for g in spare}
        path_of = {iid: self.path(g) for g, iid in list(self.ids.items()) + list(spare_ids.items())}
        split_of = {iid: self.split_of(g) for g, iid in list(self.ids.items()) + list(spare_ids.items())}
        label_of = {iid: self.label_of(g) for g, iid in list(self.ids.items()) + list(spare_ids.items())}
        extra = {}
        if "fastdup" in self.formats:
            extra["fastdup"] = self._write_fastdup(out, rng, pairs, spare_ids, path_of, split_of, label_of)
        if "vl_issue_list" in self.formats:
            extra["vl_issue_list"] = self._write_vl_issue_list(out, rng, pairs, split_of)
        self.truth["extra_formats"] = extra
        with open(out / "truth.json", "w", encoding="utf-8") as f:
            json.dump(self.truth, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")

    def _write_fastdup(self, out, rng, pairs, spare_ids, path_of, split_of, label_of):
        corrupt = sorted(spare_ids.values())[:2]
        noise_images = sorted(spare_ids.values())[2:]
        named = sorted(set(self.ids.values()) | set(noise_images), key=lambda i: path_of[i])
        index = {iid: n for n, iid in enumerate(named)}
        full = {iid: FASTDUP_ROOT + path_of[iid] for iid in named + corrupt}
        # below near_duplicate_threshold: pairs no cluster may use
        noise = {}
        for a, b in zip(noise_images[::2], noise_images[1::2]):
            noise[(a, b)] = round(rng.uniform(0.90, 0.955), 6)
        everything = {**pairs, **noise}
        ordered = sorted(everything.items(), key=lambda kv: (-kv[1], kv[0]))

        work = out / "fastdup"
        work.mkdir()

        def write_csv(path, header, rows):
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                w.writerows(rows)

        write_csv(work / "atrain_features.dat.csv", ["index", "filename"],
                  [[index[i], full[i]] for i in named])
        # similarity.csv lists each pair both ways, most similar first (k nearest neighbours)
        rows = []
        for (a, b), sim in ordered:
            rows.append([index[a], index[b], sim])
            rows.append([index[b], index[a], sim])
        write_csv(work / "similarity.csv", ["from", "to", "distance"], rows)
        # connected components at fastdup's default ccthreshold 0.96, V1 columns
        uf = UnionFind()
        edges = {}
        for (a, b), sim in everything.items():
            if sim >= 0.96:
                uf.union(a, b)
                for x in (a, b):
                    edges.setdefault(x, []).append(sim)
        components = [c for c in uf.groups() if len(c) > 1]
        cc_rows, info_rows = [], []
        for cid, members in enumerate(components):
            info_rows.append([cid, len(members)])
            for m in members:
                e = edges[m]
                cc_rows.append([index[m], cid, round(sum(e), 6), len(e), round(sum(e) / len(e), 6),
                                min(e), max(e)])
        for cid, m in enumerate(noise_images[:2], start=len(components)):  # singletons: count 0
            cc_rows.append([index[m], cid, 0, 0, 0, 0, 0])
        write_csv(work / "connected_components.csv",
                  ["__id", "component_id", "sum", "count", "mean_distance", "min_distance", "max_distance"],
                  sorted(cc_rows))
        write_csv(work / "component_info.csv", ["component_id", "Count"], info_rows)
        # outliers: two neighbours each, the lower similarity is the one kept
        by_type = {t: sorted(self.ids[g] for g, f in self.findings.items() if t in f) for t in FINDING_TYPES}
        out_rows = []
        for iid in by_type["outliers"]:
            for near in rng.sample(noise_images, 2):
                out_rows.append([index[iid], index[near], round(rng.uniform(0.55, 0.67), 6)])
        write_csv(work / "outliers.csv", ["from", "to", "distance"], sorted(out_rows, key=lambda r: r[2]))
        write_csv(work / "atrain_features.bad.csv", ["index", "filename", "error_code"],
                  [[len(named) + k, full[i], code] for k, (i, code) in
                   enumerate(zip(corrupt, ["ERROR_ZERO_SIZE_FILE", "ERROR_CORRUPTED_IMAGE"]))])
        # quality statistics: blurry if blur < 150, dark if mean < 4, bright if mean > 253
        stats, findings = [], {}
        for iid in named:
            kinds = {t for t in ("blur", "dark", "bright") if iid in set(by_type[t])}
            blur = rng.uniform(20, 149) if "blur" in kinds else rng.uniform(200, 2500)
            if "dark" in kinds:
                mean = rng.uniform(0.5, 3.9)
                kinds.discard("bright")  # one mean cannot be both
            elif "bright" in kinds:
                mean = rng.uniform(253.2, 255)
            else:
                mean = rng.uniform(30, 220)
            stats.append([index[iid], full[iid], 48, 48, 1, round(blur, 4), round(mean, 4),
                          0, 255, round(rng.uniform(10, 80), 4), 2048])
            for t in kinds:
                findings.setdefault(iid, []).append(t)
        for iid in by_type["outliers"]:
            findings.setdefault(iid, []).append("outliers")
        for iid in corrupt:
            findings.setdefault(iid, []).append("corrupt")
        write_csv(work / "atrain_stats.csv",
                  ["index", "filename", "width", "height", "unique", "blur", "mean", "min", "max",
                   "stdv", "file_size"], stats)

        # the legacy layout: path ids, no id map; half the pairs as a saved controller frame
        legacy = out / "fastdup_legacy"
        legacy.mkdir()
        plain = [[full[a], full[b], sim] for (a, b), sim in ordered[::2]]
        frame = [[index[a], index[b], sim, full[a], full[b], label_of[a], label_of[b],
                  split_of[a], split_of[b]] for (a, b), sim in ordered[1::2]]
        write_csv(legacy / "similarity.csv", ["from", "to", "distance"], plain)
        write_csv(legacy / "similarity_frame.csv",
                  ["from", "to", "distance", "filename_from", "filename_to", "label_from",
                   "label_to", "split_from", "split_to"], frame)
        return {
            "work_dir": "fastdup",
            "legacy_work_dir": "fastdup_legacy",
            "pairs": len(ordered),
            "noise_pairs": len(noise),
            "corrupt_images": corrupt,
            "findings_by_image": {k: sorted(v) for k, v in sorted(findings.items())},
        }

    def _write_vl_issue_list(self, out, rng, pairs, split_of):
        """VL-datasets' issue file list: a pair's row names the image VL drops and its
        prototype (the kept one; for a leak the train copy is dropped, val kept)."""
        prefix = "imagenet1k/"
        path_of = {iid: self.path(g) for g, iid in self.ids.items()}
        split_name = {"train": "train", "val": "validation"}
        rows = []
        for (a, b), sim in sorted(pairs.items()):
            if {split_of[a], split_of[b]} == {"train", "val"}:
                drop, keep = (a, b) if split_of[a] == "train" else (b, a)
                reason = rng.choice(["Leakage", "leakage"])
            else:
                drop, keep, reason = b, a, "Duplicate"
            rows.append([prefix + path_of[drop], reason, sim, prefix + path_of[keep], split_name[split_of[drop]]])
        names = {"mislabels": ["Mislabeled"], "outliers": ["Outlier"], "blur": ["Blur", "blur"],
                 "dark": ["Dark", "dark"], "bright": ["Bright", "bright"]}
        findings = {}
        for g, f in sorted(self.findings.items(), key=lambda kv: self.ids[kv[0]]):
            iid = self.ids[g]
            for t in sorted(f):
                value = {"mislabels": f[t].get("confidence"), "outliers": round(rng.uniform(0.55, 0.67), 6),
                         "blur": round(rng.uniform(20, 149), 4), "dark": round(rng.uniform(0.5, 3.9), 4),
                         "bright": round(rng.uniform(253.2, 255), 4)}[t]
                rows.append([prefix + path_of[iid], rng.choice(names[t]), value, "", split_name[split_of[iid]]])
                findings.setdefault(iid, []).append(t)
        rows.sort(key=lambda r: (r[0], r[1].lower(), r[3]))
        folder = out / "vl_issue_list"
        folder.mkdir()
        with open(folder / "ImageNet-1K_images_issue_file_list.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["filename", "reason", "value", "prototype", "split"])
            w.writerows(rows)
        counts = {}
        for r in rows:
            for split in ("all", r[4]):
                counts[(r[1].capitalize(), split)] = counts.get((r[1].capitalize(), split), 0) + 1
        with open(folder / "ImageNet-1K_images_issue_count.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["reason", "count", "pct", "split"])
            for (reason, split), n in sorted(counts.items(), key=lambda kv: (kv[0][1] != "all", kv[0])):
                w.writerow([reason, n, round(100 * n / self.N, 4), split])
        return {
            "dir": "vl_issue_list",
            "rows": len(rows),
            "pair_rows": len(pairs),
            "findings_by_image": {k: sorted(v) for k, v in sorted(findings.items())},
        }


def uid_media(image_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, image_id))


# --------------------------------------------------------------------------------------------
# a small 10-class dataset (nothing ImageNet-specific)
# --------------------------------------------------------------------------------------------

TEN_CLASS_CSV = PROJECT_ROOT / "seeds" / "cifar10_classes.csv"
TEN_CLASS_LEVELS = [0.96, 0.98, 1.0]
# kind -> (number of clusters, [(split, label letter)]); same letter = same class
TEN_CLASS_CLUSTERS = {
    "leak_same_label": (4, [("val", "a"), ("train", "a")]),
    "leak_diff_label": (4, [("val", "a"), ("train", "b")]),
    "leak_2val_1train": (2, [("val", "a"), ("val", "a"), ("train", "a")]),
    "val_val_same_label": (3, [("val", "a"), ("val", "a")]),
    "val_val_diff_label": (2, [("val", "a"), ("val", "b")]),
    "train_train_same_label": (5, [("train", "a"), ("train", "a")]),
    "train_train_diff_label": (3, [("train", "a"), ("train", "b")]),
}


class TenClassGenerator:
    """500 images of 10 classes (40 train + 10 val each) named c10_NNNNN, under
    <split>/<class name>/; planted exact-duplicate clusters of every split mix and a few
    images with only a quality finding. The planted truth is computed from these lists."""

    dataset = "cifar10"
    train_per_class, val_per_class, chunk_size = 40, 10, 40

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        with open(TEN_CLASS_CSV, newline="", encoding="utf-8") as f:
            rows = sorted(csv.DictReader(f), key=lambda r: int(r["class_index"]))
        self.names = [r["clean_name"] for r in rows]
        self.synonyms = [[n.strip() for n in r["synset_names"].split(",")] for r in rows]
        self.images = []  # (image_id, split, class index)
        for split, per_class in (("train", self.train_per_class), ("val", self.val_per_class)):
            for c in range(len(self.names)):
                for _ in range(per_class):
                    self.images.append((f"c10_{len(self.images) + 1:05d}", split, c))
        self.by_id = {i[0]: i for i in self.images}

    def path(self, image_id: str) -> str:
        _, split, c = self.by_id[image_id]
        return f"{split}/{self.names[c]}/{image_id}.png"

    def plan(self):
        rng = self.rng
        free = {(split, c): [i for i, s, k in self.images if s == split and k == c]
                for split in ("train", "val") for c in range(len(self.names))}
        for pool in free.values():
            rng.shuffle(pool)
        self.clusters, self.kind = [], {}
        for kind, (count, spec) in TEN_CLASS_CLUSTERS.items():
            for _ in range(count):
                letters = sorted({letter for _, letter in spec})
                classes = dict(zip(letters, rng.sample(range(len(self.names)), len(letters))))
                members = sorted(free[(split, classes[letter])].pop() for split, letter in spec)
                self.clusters.append(members)
                self.kind[tuple(members)] = kind
        self.clusters.sort()
        in_clusters = {m for c in self.clusters for m in c}
        rest = sorted(i for i, _, _ in self.images if i not in in_clusters)
        self.quality = sorted(rng.sample(rest, 12))  # flagged as dark, no duplicate
        self.flagged = sorted(in_clusters | set(self.quality))

    def item(self, image_id: str) -> dict:
        rng = self.rng
        _, split, c = self.by_id[image_id]
        media_id = uid_media(f"{self.dataset}/{image_id}")
        entries = []
        cluster = next((k for k, m in enumerate(self.clusters) if image_id in m), None)
        if cluster is not None:
            for level in TEN_CLASS_LEVELS:
                entries.append({"type": "issue", "properties": {
                    "issue_type": "duplicates", "confidence": round(rng.uniform(0.8, 0.99), 6),
                    "duplicate_group_id": uid(self.seed, self.dataset, "group", cluster, level),
                    "duplicate_threshold": level}})
        if image_id in self.quality:
            entries.append({"type": "issue", "properties": {
                "issue_type": "dark", "confidence": round(rng.uniform(0.5, 0.99), 6)}})
        r = rng.random()
        text = self.names[c] if r < 0.6 else str(c) if r < 0.8 else self.synonyms[c][-1]
        entries.append({"type": "image_label", "properties": {
            "original_id": -1, "category_name": text, "source": "User"}})
        for word in rng.sample(["sky", "grass", "water", "road", "tree"], 2):
            entries.append({"type": "image_label", "properties": {
                "original_id": -1, "category_name": word, "source": "Visual Layer"}})
        return {
            "media_id": media_id, "media_type": "image", "file_name": f"{image_id}.png",
            "file_path": f"{self.dataset}/{self.path(image_id)}", "file_size": "2.95KB",
            "uniqueness_score": round(rng.random(), 6), "height": 32, "width": 32,
            "url": f"{VL_HOST}/dataset/{uid(self.seed, self.dataset)}/data/image/{media_id}",
            "cluster_id": uid(self.seed, self.dataset, "visual", cluster if cluster is not None else -1),
            "metadata_items": entries,
        }

    def write(self, out: Path):
        out.mkdir(parents=True)
        self.timings = {}
        with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["image_id", "path", "label"])
            w.writerows([i, self.path(i), self.names[c]] for i, _, c in self.images)
        (out / "vl_export").mkdir()
        order = list(self.flagged)
        self.rng.shuffle(order)
        texts = [dumps(self.item(i)) for i in order]
        step, files = self.chunk_size - 2, []
        for n, start in enumerate(range(0, len(texts), step)):
            part = texts[start:start + self.chunk_size]
            name = f"export_chunk_{n:02d}.json"
            info = {"schema_version": "1.1", "dataset": self.dataset, "total_media_items": len(part)}
            with open(out / "vl_export" / name, "w", encoding="utf-8") as f:
                f.write('{"info":' + dumps(info) + ',"media_items":[' + ",".join(part) + "]}")
            files.append("vl_export/" + name)
            if start + self.chunk_size >= len(texts):
                break
        split = {i: s for i, s, _ in self.images}
        label = {i: c for i, _, c in self.images}
        leaked, removals, multi = {}, {}, []
        for c in self.clusters:
            splits, labels = {split[m] for m in c}, {label[m] for m in c}
            if len(labels) > 1:
                multi.append(c)
            if splits == {"train", "val"}:
                train = [m for m in c if split[m] == "train"]
                for m in c:
                    if split[m] == "val":
                        leaked[m] = {"train_ids": train,
                                     "labels_agree": all(label[t] == label[m] for t in train)}
                        removals[m] = "train_val_leak"
            elif splits == {"val"} and len(labels) == 1:
                for m in c[1:]:
                    removals[m] = "val_duplicate"
        n_val = sum(1 for s in split.values() if s == "val")
        self.truth = {
            "dataset": self.dataset, "seed": self.seed, "threshold": 1.0,
            "counts": {"train": len(split) - n_val, "val": n_val, "total": len(split),
                       "exported_images": len(self.flagged), "duplicate_clusters": len(self.clusters),
                       "leaked_val_images": len(leaked), "val_removals": len(removals),
                       "multi_label_clusters": len(multi)},
            "clusters": self.clusters,
            "cluster_kinds": {k: sum(1 for v in self.kind.values() if v == k) for k in TEN_CLASS_CLUSTERS},
            "leaked_val_images": leaked, "val_removals": removals, "multi_label_clusters": multi,
            "labels": {i: self.names[c] for i, _, c in self.images if i in set(self.flagged)},
            "files": {"manifest": ["manifest.csv"], "vl_export_chunks": files},
        }
        with open(out / "truth.json", "w", encoding="utf-8") as f:
            json.dump(self.truth, f, indent=1, sort_keys=True)
            f.write("\n")


# --------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", choices=sorted(PROFILES) + list(SCALE_PROFILES), default="small")
    ap.add_argument("--dataset", choices=["imagenet1k", "cifar10"], default="imagenet1k",
                    help="cifar10: a small 10-class dataset instead (--profile is ignored)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=None,
                    help="output folder (default: sample_data/<profile>, or sample_data/cifar10, under the project root)")
    ap.add_argument("--formats", default="",
                    help="comma-separated other formats of the same data: "
                         + ", ".join(VL_FORMATS + list(EXTRA_FORMATS)))
    args = ap.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(VL_FORMATS) - set(EXTRA_FORMATS))
    if unknown:
        ap.error(f"--formats: unknown {', '.join(unknown)} (choose from "
                 f"{', '.join(VL_FORMATS + list(EXTRA_FORMATS))})")
    default_name = args.profile if args.dataset == "imagenet1k" else args.dataset
    out = (args.out if args.out is not None else PROJECT_ROOT / "sample_data" / default_name).resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "truth.json").is_file())):
        ap.error(f"{out} exists and does not look like a generated sample (no truth.json); refusing to replace it")
    t0 = time.time()
    if args.dataset != "imagenet1k":
        gen = TenClassGenerator(args.seed)
        gen.plan()
    elif args.profile == "imagenet21k":
        gen = None
    else:
        gen = Generator("default" if args.profile == "full_export" else args.profile, args.seed)
        gen.vl_formats = [f for f in VL_FORMATS if f in formats]
        gen.formats = tuple(f for f in EXTRA_FORMATS if f in formats)
        gen.plan()
    t_plan = time.time() - t0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        if gen is None:
            truth = write_imagenet21k(tmp, args.seed, CLASSES_CSV, VL_HOST)
        else:
            gen.write(tmp)
        if args.profile == "full_export" and args.dataset == "imagenet1k":
            items = add_unflagged_items(gen, tmp, uid_media, VL_HOST)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.rename(out, old)
        os.rename(tmp, out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if gen is None:
        log(f"profile={args.profile} seed={args.seed} -> {out}")
        log("  " + ", ".join(f"{k} {v:,}" for k, v in truth["counts"].items())
            + f"; {time.time() - t0:.1f}s")
        return 0
    c = gen.truth["counts"]
    f = gen.truth["files"]
    if args.dataset != "imagenet1k":
        log(f"dataset={args.dataset} seed={args.seed} -> {out}")
        log(f"  manifest: {c['train']:,} train + {c['val']:,} val; vl_export: {c['exported_images']:,} "
            f"images in {len(f['vl_export_chunks'])} chunks; {c['duplicate_clusters']} clusters, "
            f"{c['leaked_val_images']} leaked val, {c['val_removals']} val removals")
        return 0
    log(f"profile={args.profile} seed={args.seed} -> {out}")
    if args.profile == "full_export":
        log(f"  full export: {items:,} media items")
    log(f"  manifest: {c['train']:,} train + {c['val']:,} val = {c['total']:,} images "
        f"({c['opaque_images']:,} with opaque ids)")
    log(f"  vl_export: {c['exported_images']:,} flagged images in {len(f['vl_export_chunks'])} chunk files "
        f"(chunk {f['chunk_size']}, overlap {f['chunk_overlap']}) + {len(f['vl_export_cluster_files'])} per-cluster files")
    log(f"  exact clusters: {c['duplicate_clusters']:,} with {c['duplicate_images']:,} images; "
        f"leaks {c['leak_clusters']:,} ({c['leaked_val_images']:,} val), val-val {c['val_val_clusters']:,}, "
        f"train-train {c['train_train_clusters']:,}, multi-label {c['multi_label_clusters']:,}, "
        f"transitive {c['transitive_merge_clusters']}")
    log(f"  near-duplicate clusters {c['near_duplicate_clusters']:,}; singleton groups {c['singleton_groups']}; "
        f"val removals {c['val_removals']:,}; clean total {c['clean_total']:,}")
    log("  findings: " + ", ".join(f"{k} {v:,}" for k, v in c["findings"].items()))
    log(f"  decisions: alice {len(gen.decisions['alice'])} rows, bob {len(gen.decisions['bob'])} rows; "
        f"images: {c['exported_images']:,} PNGs under images/")
    if gen.vl_format_files:
        log("  other formats: " + ", ".join(f"{k} ({', '.join(v)})" for k, v in gen.vl_format_files.items()))
    log(f"  time: plan {t_plan:.1f}s, " + ", ".join(f"{k} {v:.1f}s" for k, v in gen.timings.items())
        + f", total {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# One command for a new user: installs everything, generates the sample ImageNet-1K
# (full scale, deterministic), seeds reviews/ with two demo reviewers' decision logs,
# runs `dbt build`, writes the meeting report and the release archive, and says where the
# results are.
# VL_SAMPLE_PROFILE=small makes a quick small sample instead.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${VL_SAMPLE_PROFILE:-default}"
sample="sample_data/$profile"

bash scripts/install.sh
if [ ! -f "$sample/truth.json" ]; then
    .venv/bin/python scripts/generate_sample_data.py --profile "$profile" --out "$sample"
fi
# The demo decisions are copied once; reviewers' own logs in reviews/ are never touched.
mkdir -p reviews
if [ -z "$(ls reviews/*.csv 2>/dev/null)" ]; then
    cp "$sample"/decisions/*.csv reviews/
fi

# Unit tests check the SQL, not the data: they run in the test suite (dbt Labs advice).
.venv/bin/dbt build --exclude-resource-type unit_test --vars "{vl_export_path: $sample/vl_export, manifest_path: $sample/manifest.parquet}"
.venv/bin/dbt docs generate --static --vars "{vl_export_path: $sample/vl_export, manifest_path: $sample/manifest.parquet}" >/dev/null
.venv/bin/python scripts/report.py --out-dir manifests --image-root "$sample/images" >/dev/null
.venv/bin/python scripts/release_archive.py --out-dir manifests --docs target/static_index.html >/dev/null

echo
cat manifests/imagenet1k_summary.md
echo
echo "Deliverables: $(pwd)/manifests/"
ls -1 manifests
echo "Report:       $(pwd)/manifests/imagenet1k_report.html  (offline, open it in a browser)"
echo "Archive:      $(pwd)/manifests/imagenet1k_release.zip  (deliverables, report, docs site, release.json)"
echo "Database:     $(pwd)/target/vl_clean.duckdb  (query: .venv/bin/duckdb target/vl_clean.duckdb)"
echo "Docs site:    $(pwd)/target/static_index.html  (open it in a browser, no server needed)"
echo "Review page:  .venv/bin/python scripts/review_server.py --reviewer YOUR_NAME --image-root $sample/images"

#!/usr/bin/env bash
# One command for a new user: installs everything, generates the sample ImageNet-1K
# (full scale, deterministic), runs `dbt build` on it and says where the results are.
# VL_SAMPLE_PROFILE=small makes a quick small sample instead.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${VL_SAMPLE_PROFILE:-default}"
sample="sample_data/$profile"

bash scripts/install.sh
if [ ! -f "$sample/truth.json" ]; then
    .venv/bin/python scripts/generate_sample_data.py --profile "$profile" --out "$sample"
fi

vars="{vl_export_path: $sample/vl_export, manifest_path: $sample/manifest.parquet, decisions_path: $sample/decisions}"
.venv/bin/dbt build --vars "$vars"

deliverables=$(.venv/bin/python - <<'PY'
import yaml, os
print(yaml.safe_load(open("dbt_project.yml"))["vars"]["deliverables_dir"])
PY
)
echo
cat "$deliverables"/*_summary.md
echo
echo "Deliverables: $(pwd)/$deliverables/"
ls -1 "$deliverables"
echo "Database:     $(pwd)/target/vl_clean.duckdb  (open with: .venv/bin/duckdb target/vl_clean.duckdb)"

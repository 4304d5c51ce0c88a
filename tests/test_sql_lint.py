"""sqlfluff with the dbt templater lints every model (config in .sqlfluff, macros and
packages left out by .sqlfluffignore). The templater compiles the project, and some macros
query the database at compile time, so it runs against a built one."""
import os
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT


def test_every_model_passes_sqlfluff(small_build):
    sqlfluff = Path(sys.executable).parent / "sqlfluff"
    assert sqlfluff.exists(), f"{sqlfluff} is missing: pip install -r requirements.txt"
    result = subprocess.run(
        [str(sqlfluff), "lint", "models"],
        cwd=PROJECT, env={**os.environ, "VL_CLEAN_DB": str(small_build.db_path)},
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-8000:]

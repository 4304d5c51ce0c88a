"""The team's older files carry over: their tagged manifest's flags become findings, and
their two leak report shapes are compared with the pipeline's leak set (agreed, only
theirs, only ours), against what the generator planted in them."""
from conftest import run_dbt, sample_vars


def test_tagged_manifest_flags_and_leak_reports_are_carried_over(small_sample, truth, tmp_path):
    legacy = truth["team_legacy"]
    run = run_dbt(tmp_path / "legacy", sample_vars(
        small_sample, findings_path=str(small_sample / "team_tagged_manifest.csv"),
        team_leaks_path=str(small_sample / "team_leak_reports")))
    assert run.ok, run.output[-4000:]

    rows = run.query("select comparison, val_image_id, train_image_id from team_leak_comparison")
    compared = {kind: sorted([v, t] for c, v, t in rows if c == kind)
                for kind in ("agreed", "only_theirs", "only_ours")}
    assert compared == legacy["leak_pairs"]
    assert all(c in compared for c, _, _ in rows)

    for flag in legacy["tagged_flags"]:
        found = run.query("select suggested_class_index, is_known_issue_type from findings"
                          " where image_id = ? and issue_type = ?",
                          [flag["image_id"], flag["issue_type"]])
        assert found == [(flag["suggested_class_index"], True)], flag
    # The outliers only the team saw come from their file.
    outliers = [f["image_id"] for f in legacy["tagged_flags"] if f["issue_type"] == "outlier"]
    sources = run.query("select distinct finding_source from findings where issue_type = 'outlier'"
                        f" and image_id in ({', '.join('?' for _ in outliers)})", outliers)
    assert sources == [("team_csv",)]


def test_without_team_reports_the_comparison_is_empty(small_build):
    assert small_build.query("select count(*) from team_leak_comparison") == [(0,)]

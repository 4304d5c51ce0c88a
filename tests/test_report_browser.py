"""The meeting report in a real Chromium, offline (every request that is not the file itself
is blocked): its summary figures are the cleaning_summary table of the same database, each
plot is drawn, the plots' numbers are the marts' and the planted truth's, and the gallery's
thumbnails really decode."""
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import PROJECT  # noqa: E402
from test_review_page_browser import ARGS, CHROMIUM, sync_api  # noqa: E402  (skips without Chromium)

PLOTS = ("removals", "leaks-per-class", "multi-label-per-class", "mislabel-confidence",
         "review-progress", "reviewer-agreement")


@pytest.fixture(scope="module")
def report_page(reviewed_build, small_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "report.py"),
                           "--db", str(reviewed_build.db_path), "--out-dir", str(out),
                           "--image-root", str(small_sample / "images")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    html = out / "imagenet1k_report.html"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.set_default_timeout(15_000)
        blocked, problems = [], []

        def route(r):
            if r.request.url == html.as_uri():
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(html.as_uri())
        page.wait_for_function("[...document.images].every(i => i.complete)")
        try:
            yield page, blocked, problems
        finally:
            browser.close()


def test_summary_figures_match_cleaning_summary(report_page, reviewed_build, truth):
    page, blocked, problems = report_page
    shown = page.eval_on_selector_all(
        "#summary tbody tr",
        "rows => rows.map(r => [...r.cells].slice(0, 3).map(c => c.textContent))")
    expected = reviewed_build.query(
        "select metric, breakdown, figure_value from cleaning_summary order by sort_order")
    assert [(m, b, int(v)) for m, b, v in shown] == expected
    figures = {(m, b): int(v) for m, b, v in shown}
    assert figures[("total_samples", "all")] == truth["counts"]["total"]
    assert figures[("leaked_val_images", "all")] == truth["counts"]["leaked_val_images"]
    assert blocked == [] and problems == []


def test_every_plot_is_drawn_from_the_marts(report_page, reviewed_build, truth):
    page, blocked, problems = report_page
    for plot in PLOTS:
        box = page.locator(f'svg[data-plot="{plot}"]').bounding_box()
        assert box and box["width"] > 100 and box["height"] > 20, plot

    def bars(plot):
        return page.eval_on_selector_all(
            f'svg[data-plot="{plot}"] .bar',
            "bars => bars.map(b => [b.dataset.label, Number(b.dataset.value)])")

    [(final_removals,)] = reviewed_build.query("select count(*) from final_removals")
    assert sum(v for _, v in bars("removals")) == final_removals
    leaks = bars("leaks-per-class")
    assert 0 < len(leaks) <= 10 and sum(v for _, v in leaks) <= truth["counts"]["leaked_val_images"]
    top_class, top_count = leaks[0]
    assert reviewed_build.query(
        "select count(*) from leaked_val_images where class_name = ?", [top_class]) == [(top_count,)]
    assert bars("multi-label-per-class")

    bins = page.eval_on_selector_all('svg[data-plot="mislabel-confidence"] rect.bin',
                                     "r => r.map(b => Number(b.dataset.count))")
    assert sum(bins) == truth["counts"]["findings"]["mislabels"]
    line = page.locator('svg[data-plot="mislabel-confidence"] line.threshold')
    assert float(line.get_attribute("data-threshold")) == 0.9  # var clear_mislabel_confidence
    assert "clear mislabel" in page.text_content('svg[data-plot="mislabel-confidence"]')

    segments = page.eval_on_selector_all('svg[data-plot="review-progress"] rect.segment',
                                         "r => r.map(s => [s.dataset.label, Number(s.dataset.value)])")
    assert dict(segments) == dict(reviewed_build.query(
        "select state, count(*) from review_queue group by state"))
    [(kappa,)] = reviewed_build.query(
        "select cast(cohens_kappa as double) from reviewer_agreement where measure = 'action'")
    [(label, value)] = bars("reviewer-agreement")
    assert "alice vs bob" in label and value == pytest.approx(kappa, abs=1e-3)
    assert blocked == [] and problems == []


def test_gallery_shows_the_top_clusters_with_thumbnails(report_page, reviewed_build):
    page, blocked, problems = report_page
    shown = page.eval_on_selector_all(".cluster", "c => c.map(x => x.dataset.queueItem)")
    expected = [r[0] for r in reviewed_build.query(
        "select queue_item_id from review_queue where item_kind = 'cluster' "
        "and issue_type in ('train_val_leak', 'multi_label') order by priority_rank limit 8")]
    assert shown == expected
    widths = page.eval_on_selector_all(".cluster img", "i => i.map(x => x.naturalWidth)")
    [(members,)] = reviewed_build.query(
        "select count(*) from review_queue_members where queue_item_id in (select unnest(?::varchar[]))",
        [expected])
    assert len(widths) + page.locator(".cluster .placeholder").count() == members
    assert widths and all(w > 0 for w in widths)
    assert blocked == [] and problems == []

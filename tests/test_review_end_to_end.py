"""End to end in a real Chromium: a reviewer decides queue items on the page (by click and
by keyboard), reloads, nothing is lost; then `dbt build` turns exactly those decisions into
the relabel map, the final removal list and the blocked train removals."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import PROJECT, run_dbt, sample_vars  # noqa: E402
from test_review_page_browser import ARGS, CHROMIUM, act, selected_id, sync_api  # noqa: E402
from test_review_server import Running, read_log  # noqa: E402


def test_decisions_made_on_the_page_reach_the_deliverables(small_build, small_sample, truth,
                                                            tmp_path):
    queue_path = small_build.deliverable("review_queue.json")
    items = json.loads(queue_path.read_text())["items"]
    relabelled, removed = items[0], items[1]
    assert relabelled["issue_type"] == removed["issue_type"] == "mislabel"
    assert relabelled["split"] == removed["split"] == "train"
    leak = next(i for i in items if i["issue_type"] == "train_val_leak")
    deferred = next(i for i in items if i["issue_type"] == "outlier")
    reviews = tmp_path / "reviews"
    server = Running(
        reviewer="carol", queue_path=queue_path, decisions_dir=reviews,
        image_root=small_sample / "images", tag_schema_path=PROJECT / "seeds" / "tag_schema.csv",
        classes_path=PROJECT / "seeds" / "imagenet1k_classes.csv",
    )
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            # The helpers wait with page functions, which the page's CSP forbids.
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, bypass_csp=True)
            page.set_default_timeout(10_000)
            page.goto(server.url)
            page.wait_for_selector(f'#queue .card[data-id="{leak["queue_item_id"]}"]')
            thumbnails = page.eval_on_selector_all(
                "#queue .card img", "imgs => imgs.slice(0, 3).map(i => i.complete && i.naturalWidth)")
            assert thumbnails and all(thumbnails), thumbnails

            # keyboard: relabel the top clear mislabel to VL's suggestion
            assert selected_id(page) == relabelled["queue_item_id"]
            page.keyboard.press("c")
            page.keyboard.type(relabelled["suggested_label_name"])
            page.keyboard.press("Enter")
            act(page, lambda: page.keyboard.press("3"))
            # mouse: confirm the second mislabel and remove it (a train image: R7 blocks it)
            assert selected_id(page) == removed["queue_item_id"]
            page.click('.tag[data-tag="mislabel_confirmed"]')
            act(page, lambda: page.click('#p-actions button[data-action="remove"]'))
            # mouse: a leak cluster is not a duplicate after all: keep it (R3 override)
            page.click(f'#queue .card[data-id="{leak["queue_item_id"]}"]')
            page.click('.tag[data-tag="not_duplicate"]')
            act(page, lambda: page.click('#p-actions button[data-action="keep"]'))
            # keyboard: defer an outlier
            page.select_option("#f-issue", "outlier")
            page.wait_for_selector(f'#queue .card[data-id="{deferred["queue_item_id"]}"]')
            page.click(f'#queue .card[data-id="{deferred["queue_item_id"]}"]')
            act(page, lambda: page.keyboard.press("4"))

            page.reload()
            page.wait_for_selector(f'#queue .card[data-id="{deferred["queue_item_id"]}"] .mine')
            assert page.text_content("#progress").startswith("4 / ")
            browser.close()
    finally:
        server.close()

    rows = read_log(reviews / "carol.csv")
    assert [(r["image_id"] or r["cluster_id"], r["action"]) for r in rows] == [
        (relabelled["image_id"], "relabel"), (removed["image_id"], "remove"),
        (leak["cluster_id"], "keep"), (deferred["image_id"], "defer")]
    assert rows[0]["new_label"] == str(relabelled["suggested_label"])

    run = run_dbt(tmp_path / "build", sample_vars(small_sample, decisions_path=str(reviews)))
    assert run.ok, run.output[-4000:]
    relabel_map = json.loads(run.deliverable("relabel_map.json").read_text())
    assert relabel_map == {relabelled["image_id"]: relabelled["suggested_label"]}
    kept_val = {m["image_id"] for m in leak["members"] if m["split"] == "val"}
    expected = sorted(set(truth["val_removals"]) - kept_val)
    assert run.deliverable("final_removal_list.txt").read_text().splitlines() == expected
    assert run.query("select image_id from blocked_train_removals") == [(removed["image_id"],)]
    assert {r[0] for r in run.query("select image_id from leak_overrides")} == kept_val

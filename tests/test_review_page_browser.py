"""The review page in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Decides items by mouse and by keyboard, reloads, and checks the page and the CSV log agree
with exactly what was done; also that data is shown as text and thumbnails really load.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_review_server import HOSTILE, ODD_ID, Running, big_queue, read_log, write_fixture  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium); CI installs it",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def open_page(tmp_path):
    """open_page(queue=None, with_images=True) -> (page, server, paths, problems): a fixture queue served to a fresh Chromium page."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        servers = []

        def start(queue=None, with_images=True):
            paths = write_fixture(tmp_path, queue, with_images)
            servers.append(Running(reviewer="alice", **paths))
            # Without the server's CSP, injected markup would really run: the checks then prove the
            # page itself inserts data as text (and Playwright's polling waits need eval).
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, bypass_csp=True)
            page.set_default_timeout(10_000)
            problems = []
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            return page, servers[-1], paths, problems

        try:
            yield start
        finally:
            browser.close()
            for server in servers:
                server.close()


def selected_id(page):
    return page.get_attribute("#queue .card.selected", "data-id")


def act(page, trigger):
    """Run trigger() and wait until the decision it causes has been saved."""
    with page.expect_response(lambda r: r.url.endswith("/api/decisions") and r.request.method == "POST") as info:
        trigger()
    assert info.value.status == 200, info.value.text()
    page.wait_for_function("document.getElementById('p-status').textContent.startsWith('Saved')")


def test_review_flow(open_page, tmp_path):
    page, server, paths, problems = open_page()
    page.goto(server.url)
    page.wait_for_selector("#queue .card >> nth=4")
    assert page.text_content("#progress") == "0 / 5 decided"
    assert page.text_content("#page-info") == "1–5 of 5"

    # hostile data shows as text, never as markup
    hostile_card = page.locator('#queue .card[data-id="image:n01443537_7"]')
    assert HOSTILE in hostile_card.inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("[...document.querySelectorAll('*')].filter(e => e.hasAttribute('onerror')).length") == 0

    # thumbnails decoded; the missing file became a plain-text placeholder
    page.wait_for_function("[...document.querySelectorAll('#queue img')].every(i => i.complete)")
    widths = page.eval_on_selector_all("#queue img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 5 and all(w > 0 for w in widths), widths
    missing = page.locator('#queue .card[data-id="image:ILSVRC2012_val_00000404"] .placeholder')
    assert missing.inner_text() == "image not available"

    # the cluster shows its members side by side with split and label
    cluster_text = page.locator('#queue .card[data-id="cluster:c1"]').inner_text()
    assert "train · tiger shark (3)" in cluster_text and "val · hammerhead (4)" in cluster_text

    # 1. by mouse: tag + Remove; the class picker was pre-filled with VL's suggestion
    assert selected_id(page) == "image:ILSVRC2012_val_00000001"
    assert "goldfish" in page.input_value("#p-class")
    page.click('.tag[data-tag="mislabel_confirmed"]')
    act(page, lambda: page.click('#p-actions button[data-action="remove"]'))
    # 2. by mouse: select the card, tag + Keep
    assert selected_id(page) == "image:n01443537_7"
    page.click('#queue .card[data-id="image:n01443537_7"]')
    page.click('.tag[data-tag="outlier_valid"]')
    act(page, lambda: page.click('#p-actions button[data-action="keep"]'))
    # 3. by keyboard: Defer
    assert selected_id(page) == f"image:{ODD_ID}"
    act(page, lambda: page.keyboard.press("4"))
    # 4. by keyboard: relabel via the class picker (c, type, Enter, 3)
    assert selected_id(page) == "image:ILSVRC2012_val_00000404"
    page.keyboard.press("c")
    page.keyboard.type("goldfish")
    page.keyboard.press("Enter")
    assert "goldfish (1, n01443537)" in page.text_content("#p-chosen")
    act(page, lambda: page.keyboard.press("3"))
    # 5. navigation keys, then the cluster: note by keyboard, tag by mouse, Keep by key
    assert selected_id(page) == "cluster:c1"
    page.keyboard.press("ArrowUp")
    assert selected_id(page) == "image:ILSVRC2012_val_00000404"
    page.keyboard.press("j")
    assert selected_id(page) == "cluster:c1"
    page.click('.tag[data-tag="not_duplicate"]')
    page.keyboard.press("n")
    page.keyboard.type('leak, "checked" – ü')
    page.keyboard.press("Escape")
    act(page, lambda: page.keyboard.press("1"))
    assert page.text_content("#progress") == "5 / 5 decided"

    # a server-side rejection is shown, not swallowed: relabel to the current label
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert selected_id(page) == f"image:{ODD_ID}"
    page.keyboard.press("c")
    page.keyboard.type("n01440764")
    page.keyboard.press("Enter")
    page.keyboard.press("3")
    page.wait_for_function("document.getElementById('p-status').textContent.startsWith('Not saved')")
    assert "new_label" in page.text_content("#p-status")

    expected = [
        ("ILSVRC2012_val_00000001", "", "mislabel_confirmed", "remove", "", ""),
        ("n01443537_7", "", "outlier_valid", "keep", "", ""),
        (ODD_ID, "", "", "defer", "", ""),
        ("ILSVRC2012_val_00000404", "", "", "relabel", "1", ""),
        ("", "c1", "not_duplicate", "keep", "", 'leak, "checked" – ü'),
    ]
    rows = read_log(paths["decisions_dir"] / "alice.csv")
    assert [(r["image_id"], r["cluster_id"], r["tags"], r["action"], r["new_label"], r["note"]) for r in rows] == expected
    assert all(r["reviewer"] == "alice" and r["decided_at"].endswith("Z") for r in rows)

    # after a reload the decisions come back from the log
    page.reload()
    page.wait_for_selector("#queue .card >> nth=4")
    assert page.text_content("#progress") == "5 / 5 decided"
    mine = page.eval_on_selector_all("#queue .card", "cs => cs.map(c => [c.dataset.id, c.querySelector('.mine')?.textContent || ''])")
    for (item_id, text), (_, _, tags, action, new_label, _) in zip(mine, expected):
        assert text.startswith(f"Your decision: {action}"), (item_id, text)
        if tags:
            assert f"tags: {tags}" in text
    assert "→ goldfish (1)" in mine[3][1]
    assert page.locator('.tag[data-tag="mislabel_confirmed"][aria-pressed="true"]').count() == 1  # item 1 is selected

    # the export link serves the same log
    assert page.get_attribute("#export", "href") == "/api/decisions.csv"
    exported = page.request.get(server.url + "api/decisions.csv")
    assert exported.body() == (paths["decisions_dir"] / "alice.csv").read_bytes()

    # filters go to the server: issue type, then class, then state
    page.select_option("#f-issue", "blur")
    page.wait_for_function("document.getElementById('page-info').textContent === '1–1 of 1'")
    page.click("#f-clear")
    page.fill("#f-class", "hammerhead")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('page-info').textContent === '1–1 of 1'")
    assert selected_id(page) == "cluster:c1"
    page.click("#f-clear")
    page.select_option("#f-state", "new")
    page.wait_for_function("document.getElementById('page-info').textContent === '0 items'")
    page.click("#f-clear")
    page.wait_for_selector("#queue .card >> nth=4")

    page.click('#queue .card[data-id="cluster:c1"]')
    page.screenshot(path=str(tmp_path / "review_page.png"))
    assert problems == []


def test_paging_20000_items_without_images(open_page):
    """Server-side paging at full queue size; a missing file is asked for once, with no error loop."""
    page, server, paths, problems = open_page(big_queue(), with_images=False)
    image_requests = []
    page.on("request", lambda r: image_requests.append(r.url) if "/images/" in r.url else None)
    page.goto(server.url)
    page.wait_for_selector("#queue .card >> nth=49")
    assert page.text_content("#page-info") == "1–50 of 20000"
    assert page.locator("#queue .card").count() == 50
    page.wait_for_timeout(300)
    assert image_requests and len(image_requests) == len(set(image_requests))
    # lazy loading: only the cards near the viewport asked for their image
    assert len(image_requests) < 50
    assert page.locator("#queue .placeholder").count() == len(image_requests)
    page.keyboard.press("]")
    page.wait_for_function("document.getElementById('page-info').textContent === '51–100 of 20000'")
    for _ in range(49):
        page.keyboard.press("j")
    assert selected_id(page) == "image:img00099"
    page.keyboard.press("j")  # past the last item: the next page, first item
    page.wait_for_function("document.getElementById('page-info').textContent === '101–150 of 20000'")
    assert selected_id(page) == "image:img00100"
    page.keyboard.press("k")  # and back to the end of the previous page
    page.wait_for_function("document.getElementById('page-info').textContent === '51–100 of 20000'")
    assert selected_id(page) == "image:img00099"
    page.reload()  # the page position is kept in the URL
    page.wait_for_selector("#queue .card >> nth=49")
    assert page.text_content("#page-info") == "51–100 of 20000"
    assert problems == []

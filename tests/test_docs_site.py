"""`dbt docs generate --static` writes one self-contained HTML file that works offline in a
real Chromium (every non-file request blocked) and shows the lineage of the final removal
list back to the Visual Layer export.

The lineage is checked on the rendered page: starting at final_removals' page, every
"Depends On" list (each of its tabs) is read and followed page by page until the VL
source's page is reached. The docs app's own data (its `project` service, the manifest
inlined in the static page) is walked as a cross-check. The cytoscape lineage graph itself
is not inspected: its canvas is not readable as text.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import PROJECT, VENV_BIN, DbtRun, sample_vars  # noqa: E402
from test_review_page_browser import ARGS, CHROMIUM, sync_api  # noqa: E402  (skips without Chromium)

START = "model.vl_clean.final_removals"
VL_SOURCE = "source.vl_clean.vl.export"


def dbt_docs_generate(workdir, dbt_vars, deliverables_dir, db_path):
    """`dbt docs generate --static` the way conftest.run_dbt runs a build. run_dbt itself cannot
    run it: it puts --vars right after its one-word `command`, and `dbt docs --vars` is
    rejected (the options belong to the `generate` subcommand)."""
    workdir = Path(workdir)
    all_vars = {"deliverables_dir": str(deliverables_dir), **dbt_vars}
    result = subprocess.run(
        [str(VENV_BIN / "dbt"), "docs", "generate", "--static", "--vars", json.dumps(all_vars),
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--no-partial-parse"],
        cwd=PROJECT, env={**os.environ, "VL_CLEAN_DB": str(db_path)},
        capture_output=True, text=True, timeout=900)
    return DbtRun(workdir, result, Path(deliverables_dir), Path(db_path))


@pytest.fixture(scope="module")
def static_site(small_build, small_sample, tmp_path_factory):
    docs = dbt_docs_generate(tmp_path_factory.mktemp("docs"), sample_vars(small_sample),
                             small_build.deliverables_dir, small_build.db_path)
    assert docs.ok, docs.output[-4000:]
    html = docs.workdir / "target" / "static_index.html"
    assert html.is_file()
    return html


@pytest.fixture
def offline_page(static_site):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(15_000)
        requests, blocked, problems = [], [], []

        def route(r):
            requests.append(r.request.url)
            # only local files: a protocol-relative URL on a file: page (the docs app's
            # snowplow tracker, //d1fc8wv8zag5ca.cloudfront.net/...) becomes file://<host>/...
            if r.request.url.startswith("file:///"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: problems.append(str(e)))
        try:
            yield page, static_site.as_uri(), requests, blocked, problems
        finally:
            browser.close()


def open_node(page, base_url, unique_id, name):
    """Show a node's page (the app routes by URL hash) and wait until it is rendered."""
    resource_type = unique_id.split(".")[0]
    page.goto(f"{base_url}#!/{resource_type}/{unique_id}")
    page.wait_for_function(
        "name => [...document.querySelectorAll('h1 > span')].some(s => s.textContent.trim() === name)",
        arg=name)


def rendered_parents(page):
    """The node ids listed under "Depends On", over every tab of that list but macros."""
    section = page.locator("#depends_on + .section-content reference-list")
    if section.count() == 0 or section.locator(".panel-body").count() == 0:
        return set()
    parents = set()
    tabs = section.locator("ul.nav-tabs > li > a")
    for i in range(tabs.count()):
        if tabs.nth(i).inner_text().strip() == "Macros":
            continue
        tabs.nth(i).click()
        parents |= {href.split("/")[-1] for href in section.locator("ul.list-unstyled a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))") if href}
    return parents


def test_static_docs_show_final_removals_lineage_to_the_vl_source(offline_page, static_site, small_build):
    page, base_url, requests, blocked, problems = offline_page
    manifest = json.loads((static_site.parent / "manifest.json").read_text())
    names = {uid: (node.get("source_name", "") + "." if uid.startswith("source.") else "") + node["name"]
             for uid, node in {**manifest["nodes"], **manifest["sources"]}.items()}

    # the model page of final_removals shows its description
    open_node(page, base_url, START, "final_removals")
    description = manifest["nodes"][START]["description"].split(":")[0].strip()
    assert description and description in page.inner_text("#description + .section-content")

    # walk "Depends On" page by page until the VL export source's page
    seen, frontier, via = {START}, [START], {}
    while frontier and VL_SOURCE not in seen:
        node = frontier.pop(0)
        open_node(page, base_url, node, names[node])
        for parent in sorted(rendered_parents(page) - seen):
            assert parent in names, f"{node}'s page links to an unknown node {parent}"
            seen.add(parent)
            via[parent] = node
            frontier.append(parent)
    assert VL_SOURCE in seen, f"the rendered Depends On lists never reach {VL_SOURCE}: {sorted(seen)}"
    path = [VL_SOURCE]
    while path[-1] != START:
        path.append(via[path[-1]])
    open_node(page, base_url, VL_SOURCE, "vl.export")
    source_description = manifest["sources"][VL_SOURCE]["description"].split(",")[0].replace("`", "").strip()
    assert source_description and source_description in page.inner_text("body")

    # cross-check: the docs app's data (the manifest inlined in the page) has the same path
    app_parents = page.evaluate(
        """ids => { const p = angular.element(document.body).injector().get('project').project;
                   return Object.fromEntries(ids.map(id => [id, p.parent_map[id] || []])); }""",
        path[1:])
    for child, parent in zip(path[1:], path):
        assert parent in app_parents[child], (child, parent, app_parents[child])

    # self-contained: the data is inlined (no manifest.json or catalog.json read), the only
    # requests blocked are the tracker's, and no script failed
    assert not problems, problems
    assert not [r for r in requests if r.split("?")[0].endswith((".json", ".gz"))], requests
    assert all("cloudfront.net" in r for r in blocked), blocked

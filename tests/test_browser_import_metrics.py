"""In a real browser: upload a CSV on the Import metrics page, see the check (per email: new and updated days,
skipped rows) and the journey picked for it, commit, and see it saved."""

import pytest
from browser_support import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser

CSV = (
    "date,stage,email,variant,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue\n"
    "2026-11-16,Awareness,Welcome,,1200,1180,472,59,12,3,20,1,480.00\n"
    '2026-11-17,Awareness,Welcome,,1000,990,400,50,10,2,10,0,"1,250.50"\n'
    "2026-11-17,Retention,Winter warmers,,300,297,60,9,2,4,3,1,99.9\n"
)


def test_upload_check_and_commit_a_generic_file(app_url, page, tmp_path):
    # On the worker's shared demo app: the metrics it commits are for days and emails no other browser
    # test reads (the weekly review's test has a server of its own).
    url = app_url
    upload = tmp_path / "metrics.csv"
    upload.write_text(CSV, encoding="utf-8-sig")
    page.goto(f"{url}/import_metrics")
    wait_for_app(page)
    page.get_by_role("heading", name="Import metrics").wait_for()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    page.get_by_text("Generic CSV (detected from the header)").wait_for()
    page.get_by_text("These emails are not in the journey").wait_for()
    # the check: what committing changes per email, and the journey picked for the file
    page.get_by_text("3 rows → 1 email in “Office coffee subscription”").wait_for()
    # the table is drawn on a canvas: its cells are in the page for screen readers, not visible
    page.get_by_text("no email named “Winter warmers” in this journey").wait_for(state="attached")
    page.get_by_text("Picked “Office coffee subscription”: 1 of 2 email names in the file match.").wait_for()
    commit = page.get_by_role("button", name="Commit the import")
    commit.wait_for()
    wait_for_app(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_metrics_checked.png"), full_page=True)
    commit.click()
    page.get_by_text("Imported 2 rows (Generic CSV) from 2026-11-16 to 2026-11-17").wait_for()
    page.screenshot(path=str(ARTIFACTS / "import_metrics_committed.png"), full_page=True)

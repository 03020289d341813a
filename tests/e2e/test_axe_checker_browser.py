"""The accessibility check itself: it reports what axe-core finds, so a page that passes it passes
because it has no WCAG 2.x A/AA violation, not because the check came back empty."""


def test_the_check_reports_an_image_without_a_text_alternative(page, axe):
    page.set_content('<html lang="en"><title>Check</title><main><img src="chart.png"></main></html>')
    results = axe.run(page)
    assert [violation["id"] for violation in results.response["violations"]] == ["image-alt"]
    assert "chart.png" in results.generate_report()
    # Injected once per document: a second run on the same page reuses the copy.
    assert axe.run(page).violations_count == 1


def test_the_check_passes_a_page_without_violations(page, axe):
    page.set_content(
        '<html lang="en"><title>Check</title><main><img src="chart.png" alt="Reach by month"></main></html>'
    )
    assert axe.run(page).violations_count == 0

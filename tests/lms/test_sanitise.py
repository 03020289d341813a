from lms.sanitise import clean_html


def test_keeps_allowed_markup():
    html = '<p>Hello <strong>there</strong> <a href="https://apsc.gov.au">APSC</a></p>'
    cleaned = clean_html(html)
    assert "<strong>there</strong>" in cleaned
    assert 'href="https://apsc.gov.au"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_removes_scripts_handlers_and_dangerous_urls():
    html = (
        '<p onclick="steal()">Hi</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)><iframe src="//evil"></iframe>'
    )
    cleaned = clean_html(html)
    for fragment in ("onclick", "<script", "alert(1)", "javascript:", "<img", "onerror", "<iframe"):
        assert fragment not in cleaned
    assert "<p>Hi</p>" in cleaned


def test_empty_input():
    assert clean_html(None) == ""
    assert clean_html("") == ""

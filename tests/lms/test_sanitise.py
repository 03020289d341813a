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


def test_learner_markdown_keeps_tables_and_lists_and_cleans_the_rest():
    from lms.sanitise import learner_markdown

    html = learner_markdown(
        "| A | B |\n| --- | --- |\n| 1 | 2 |\n\n- x\n\na < b <img src=x onerror=alert(1)>"
    )
    assert "<th>A</th>" in html and "<td>2</td>" in html and "<li>x</li>" in html
    assert "a &lt; b" in html and "onerror" not in html and "<img" not in html

"""The chapter source lists: readable addresses, exact links, every value escaped."""
from __future__ import annotations

import pandas as pd

from pricewar.chapter import display_address, safe_url, sources_html


def test_percent_encoded_address_is_decoded_for_reading_and_linked_exactly():
    url = "https://portal.sina.com.hk/news-china/sina/2024/05/21/849520/%E5%AD%97%E7%AF%80"
    host, readable, notes = display_address(url)
    assert host == "portal.sina.com.hk" and readable.endswith("/字節") and notes == []
    html = sources_html(pd.DataFrame({"source_url": [url], "source_quality": ["B"], "source_note": ["a note"]}))
    assert f'href="{url}"' in html and "/字節" in html


def test_translation_proxy_shows_the_page_it_wraps():
    inner = "https://www.example.cn/news/1.html?ref=yon.fun"
    url = "https://translate.baiducontent.com/transpage?cb=translateCallback&ie=utf8&source=url&query=" \
          "https%3A%2F%2Fwww.example.cn%2Fnews%2F1.html%3Fref%3Dyon.fun&from=zh&to=en"
    host, readable, notes = display_address(url)
    assert host == "example.cn"
    assert readable == f"via Baidu Translate: {inner}"
    assert notes == ["tracking parameter ref"]


def test_tracking_parameters_are_named():
    _, _, notes = display_address("https://news.example.com/a?utm_source=x&utm_medium=y&id=3")
    assert notes == ["tracking parameters utm_medium, utm_source"]


def test_only_well_formed_http_addresses_become_links():
    assert safe_url("https://example.com/a b") is None
    assert safe_url("javascript:alert(1)") is None
    assert safe_url('https://example.com/"onmouseover=x') is None
    assert safe_url("ftp://example.com/a") is None
    assert safe_url("https://example.com:99999/") is None
    assert safe_url("http://example.com/ok?a=1&b=2") == "http://example.com/ok?a=1&b=2"
    html = sources_html(pd.DataFrame({"source_url": ["javascript:alert(1)"], "source_quality": ["C"]}))
    assert "<a " not in html and "javascript:alert(1)" in html


def test_every_value_is_escaped_and_entries_show_date_grade_and_paraphrase():
    frame = pd.DataFrame({"source_url": ["https://a.example/x", "https://a.example/x", "https://b.example/<y>"],
                          "source_quality": ["A", "A", "C"],
                          "summary": ["<script>alert(1)</script> said so", "again", "x" * 300],
                          "date": pd.to_datetime(["2024-05-21", "2024-05-22", "2024-06-01"])})
    html = sources_html(frame)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "https://b.example/&lt;y&gt;" in html and 'href="https://b.example/<y>"' not in html
    first, second = html.split("<li")[1:3]
    assert "grade A" in first and "2024-05-21, 2024-05-22" in first and "2 rows" in first
    assert "grade C" in second and "..." in second and len(second) < 700

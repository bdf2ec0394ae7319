"""The chapter renderer (nbconvert with the project's template), on small notebooks made here: no build needed."""
from __future__ import annotations

import base64
import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pricewar.engine.render import notebook_page


def page(*cells, name="09_test"):
    # As the build reads its executed notebooks: from the file's JSON, strings kept as lists of lines.
    nb = nbformat.from_dict(json.loads(nbformat.writes(new_notebook(cells=list(cells)))))
    return notebook_page(name, nb)


def shown(data: dict, **metadata):
    return new_output("display_data", data=data, metadata=metadata)


def test_cells_are_hidden_by_their_tags():
    p = page(new_markdown_cell("# Title"),
             new_code_cell("print('gone-cell')", metadata={"tags": ["remove-cell"]},
                           outputs=[new_output("stream", name="stdout", text="out-of-removed-cell\n")]),
             new_markdown_cell("hidden prose", metadata={"tags": ["remove-cell"]}),
             new_code_cell("secret_input = 1", metadata={"tags": ["remove-input"]},
                           outputs=[new_output("stream", name="stdout", text="output-kept\n")]),
             new_code_cell("kept_input = 2", metadata={"tags": ["remove-output"]},
                           outputs=[shown({"text/plain": "output-removed"})]))
    body = p.body
    assert "gone-cell" not in body and "out-of-removed-cell" not in body and "hidden prose" not in body
    assert "secret_input" not in body and '<pre class="output">output-kept\n</pre>' in body
    assert "kept_input = 2" in body and "output-removed" not in body
    assert body.count('<details class="code">') == 1


def test_an_output_of_unknown_type_fails_naming_notebook_and_cell():
    with pytest.raises(ValueError) as error:
        page(new_markdown_cell("# Title"), new_code_cell("x = 1"),
             new_code_cell("show()", outputs=[shown({"application/pdf": "JVBERi0=", "image/jpeg": "/9j/"})]))
    message = str(error.value)
    assert message.startswith("09_test: cell 3 has an output of type application/pdf, image/jpeg"), message
    assert "cannot show" in message


def test_the_cell_number_counts_removed_cells_too():
    with pytest.raises(ValueError, match="cell 2 has an output of type application/x-thing"):
        page(new_code_cell("a", metadata={"tags": ["remove-cell"]}),
             new_code_cell("b", outputs=[shown({"application/x-thing": "?"})]))


def test_an_error_output_fails_the_build():
    error = new_output("error", ename="RuntimeError", evalue="boom", traceback=["Traceback", "RuntimeError: boom"])
    with pytest.raises(ValueError, match="09_test: cell 1 has an error output"):
        page(new_code_cell("raise RuntimeError('boom')", outputs=[error]))


def test_markup_in_markdown_and_html_outputs_is_neutralised():
    body = page(new_markdown_cell("# T\n\nA <script>alert(1)</script> and <b onclick='x()'>bold</b>"),
                new_code_cell("show()", outputs=[shown({"text/html": '<div class="verdict" id="C1" onclick="x()">ok'
                                                        '</div><script>alert(2)</script><style>p{}</style>'
                                                        '<a href="javascript:alert(3)">j</a><img src="x.png">'})]),
                new_code_cell("md()", outputs=[shown({"text/markdown": "<iframe src='https://x.org'></iframe>"})])).body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<b onclick" not in body  # Markdown: shown as text
    assert "&lt;iframe" in body and "<iframe" not in body
    output = body[body.index('<div class="output html">'):]
    assert output.startswith('<div class="output html"><div class="verdict" id="C1">ok</div>')
    for bad in ("<script", "onclick", "<style", "javascript:", "<img"):
        assert bad not in output, bad


def test_each_output_type_renders_as_the_report_shows_it():
    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    body = page(new_code_cell("outputs()", outputs=[
        new_output("stream", name="stdout", text="to <readers>\n"),
        new_output("stream", name="stderr", text="for the log\n"),
        shown({"text/plain": "plain & simple"}),
        shown({"text/latex": "$x < 1$", "text/plain": "x"}),
        shown({"application/json": {"a": [1]}}),
        shown({"image/svg+xml": svg, "text/plain": "an 'svg'"}),
        shown({"image/png": "iVBORw0KGgo=\n", "text/plain": "a png"}),
        shown({"text/markdown": "*md*"})])).body
    assert '<pre class="output">to &lt;readers&gt;\n</pre>' in body and "for the log" not in body
    assert '<pre class="output">plain &amp; simple</pre>' in body
    assert '<pre class="output">$x &lt; 1$</pre>' in body
    assert '<pre class="output">' + json.dumps({"a": [1]}, indent=1).replace('"', "&quot;") + "</pre>" in body
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    assert f'<figure><img src="{svg_uri}" alt="an &#x27;svg&#x27;"></figure>' in body
    assert '<figure><img src="data:image/png;base64,iVBORw0KGgo=" alt="a png"></figure>' in body
    assert '<div class="output prose"><p><em>md</em></p>\n</div>' in body


def test_figures_folds_and_title_come_from_the_notebook():
    info = {"name": "cuts", "title": "Who cut first.", "subtitle": "May 2024", "alt": "A timeline", "source": "S"}
    p = page(new_markdown_cell("# The cascade\n\n## When"),
             new_code_cell("draw()", outputs=[shown({"image/png": "AAA", "text/plain": "F"}, pricewar_figure=info)]),
             new_code_cell("a = 1"), new_code_cell("a = 2"),
             new_code_cell("p = 1", metadata={"tags": ["parameters"]}))
    assert p.title == "The cascade"
    assert [(f.name, f.title, f.chapter) for f in p.figures] == [("cuts", "Who cut first.", "09_test")]
    assert '<figure id="fig-cuts" class="chart">' in p.body and "data:image/png" not in p.body
    labels = re.findall(r"<summary>(.*?)</summary>", p.body)
    assert labels == ["Code: the chart &quot;Who cut first.&quot;", "Code: a step of &quot;When&quot;",
                      "Code: a step of &quot;When&quot; (2)", "Code: the parameters a re-runner may change"]


def test_the_page_carries_no_stock_stylesheet_or_script():
    body = page(new_markdown_cell("# T\n\n## A\n\n## B"), new_code_cell("x", outputs=[shown({"text/plain": "1"})])).body
    for stock in ("jp-", "<style", "<link", "<script", "<html", "<head", "<body", "mathjax", "require.js"):
        assert stock not in body.lower(), stock

"""The detector behind test_every_page: it finds what it must and lets data through."""

from hazardloop.core.tests.visible_text import problems

PAGE = '<html lang="{lang}"><body><main>{body}</main><script>var a_b = 1;</script></body></html>'


def _found(body, language="zh-hans", data=frozenset()):
    return problems(PAGE.format(lang=language, body=body), language, data)


def test_codes_references_and_file_names_are_found():
    assert _found("<p>行业: catering; 单位: bottled_lpg</p>")
    assert _found("<td>inspection:2766/item:R19</td>")
    assert _found("<p>见 regulations.md</p>")
    assert _found("<p>运行 manage.py load_demo</p>")
    assert _found("<code>hazard.create</code> <span>restaurant-gas</span>")


def test_the_wrong_language_is_found():
    assert _found("<button>Open the document</button>")  # English in the Chinese interface
    assert _found('<input type="submit" value="Save and continue">')
    assert _found("<th>单位名称</th>", language="en")  # a Chinese interface string
    assert _found('<button aria-label="Deadlines in the next days">x</button>')


def test_data_and_marked_text_are_not_faults():
    data = frozenset({"占用、堵塞、封闭消防车通道", "staff-x", "南关测试饺子馆"})
    assert not _found("<td>占用、堵塞、封闭消防车通道</td>", language="en", data=data)
    assert not _found("<td>staff-x</td>", data=data)
    assert not _found('<span lang="zh-Hans">责令限期改正通知书</span>', language="en")
    assert not _found("<p>GB 35181-2017 7.3.10 · USCC 91220102MA0000000X</p>")
    assert not _found("<p>Sign in to re-check the one-time link</p>", language="en")
    assert not _found("<details data-technical><pre>clock_rung: reminded</pre></details>")
    # A stored English sentence is still English in the Chinese interface.
    assert _found("<p>deadline passed: reminder</p>", data=frozenset({"deadline passed: reminder"}))

"""Small checklists for tests of this and later apps."""

from hazardloop.checklists.services import create_template


def item(code, answer_type="pass_fail", **fields):
    base = {
        "code": code,
        "section_zh": "测试分区",
        "section_en": "Test section",
        "text_zh": f"测试检查项{code}",
        "text_en": f"Test item {code}",
        "violation_zh": f"测试违法情形{code}",
        "violation_en": f"Test violation {code}",
        "legal_basis": "《消防法》第二十八条",
        "category": "evacuation",
        "answer_type": answer_type,
    }
    if answer_type == "number" and "number_max" not in fields and "number_min" not in fields:
        fields["number_max"] = 2
    base.update(fields)
    return base


def make_template(code="test-list", region_code="", items=None, actor=None, **fields):
    items = items or [
        item("A1", photo_on_fail=True, rule_refs=["gb35181:7.3.3"]),
        item("A2", "number", number_max=2, number_unit="m", category="gas"),
        item("A3", "text"),
        item("A4", "photo"),
        item("A5", default_grade="major", rule_refs=["city_gas:9.1"], category="gas"),
    ]
    return create_template(
        actor=actor,
        code=code,
        title_zh=f"测试检查表 {code}",
        items=items,
        region_code=region_code,
        **fields,
    )

from hazardloop.checklists.models import ChecklistItem


def test_requirement_items_are_worded_as_findings():
    item = ChecklistItem(code="R05", text_zh="软管两端用卡箍固定")
    assert item.finding_title == "不符合要求：软管两端用卡箍固定"


def test_gb35181_elements_already_state_the_defect():
    item = ChecklistItem(
        code="C7.3.10", text_zh="人员密集场所的外窗被封堵或被广告牌等遮挡 [UNVERIFIED]"
    )
    assert item.finding_title == "人员密集场所的外窗被封堵或被广告牌等遮挡"
    assert (
        ChecklistItem(code="D6.5", text_zh="安全出口数量不足").finding_title == "安全出口数量不足"
    )

"""The menu's counts (to-do, inbox unread), computed only when a page's menu shows them."""

from django.utils.functional import SimpleLazyObject

from hazardloop.workbench.items import shown_count
from hazardloop.workbench.todo import menu_counts


def counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def counted():
        counts = menu_counts(user)
        return {**counts, "todo_shown": shown_count(counts["todo"])}

    return {"nav_counts": SimpleLazyObject(counted)}

from django.urls import NoReverseMatch, reverse

from hazardloop.accounts.access import has_perm_anywhere, memberships_of, roles_of
from hazardloop.core.nav import NAV


def _nav_for(user, current_path: str) -> list[dict]:
    items = []
    staff = any(m.unit_id is None for m in memberships_of(user))
    for item in NAV:
        if item.staff_only and not staff:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        if item.perm is not None and not has_perm_anywhere(user, item.perm):
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append(
            {
                "url": url,
                "label": item.label,
                "icon": item.icon,
                "active": active,
                "counter": item.counter,
            }
        )
    return items


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": _nav_for(user, request.path),
        "user_roles": sorted(roles_of(user)),
        "user_memberships": memberships_of(user),
    }

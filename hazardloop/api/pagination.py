"""List pagination: {"items": [...], "count": N} with limit/offset."""

from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    max_limit = 500

"""Serving a photo or its thumbnail to users whose scope covers the photo's unit or region."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hazardloop.accounts.access import get_in_scope_or_404
from hazardloop.evidence.models import Photo


def _photo(request, pk: int) -> Photo:
    return get_in_scope_or_404(
        request.user,
        Photo.objects.only("pk", "file", "thumbnail", "content_type", "sha256", "region_code"),
        perm="unit.view",
        region_field="region_code",
        unit_field="unit",
        pk=pk,
    )


def _serve(request, name: str, content_type: str, etag: str):
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404(_("Not found.")) from None
        response = FileResponse(handle, content_type=content_type)
    response["ETag"] = etag
    # Content-addressed: the bytes behind this URL never change; only signed-in users see it.
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def photo(request, pk: int):
    item = _photo(request, pk)
    return _serve(request, item.file.name, item.content_type, f'"{item.sha256}"')


@require_GET
@login_required
def thumb(request, pk: int):
    item = _photo(request, pk)
    return _serve(request, item.thumbnail.name, "image/jpeg", f'"{item.sha256}-t"')

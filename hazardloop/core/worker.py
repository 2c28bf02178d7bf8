"""A web worker's heap, settled once it has loaded what it serves (hazardloop/wsgi.py).

Python's cyclic garbage collector runs whenever enough new container objects outlive their
creation, and each of its full passes walks every object the process holds: the modules,
models, URL patterns, API schemas and translation catalogues a worker loads once and keeps
for its life, hundreds of thousands of objects. `settle()` loads them all before the first
request (Django would on that request), then moves them to the collector's permanent
generation (`gc.freeze()`), where no pass walks them again, and sets how many new objects
start a pass (`WEB_GC_THRESHOLD`, settings.GC_THRESHOLD). A request's own objects are still
collected as before: only what was loaded when the worker started is left out.

docs/performance.md ("Session 19") has what this is worth on a workflow step.
"""

import gc

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def settle() -> None:
    """Load what the worker serves, then freeze it out of the collector's passes."""
    get_resolver().reverse_dict  # noqa: B018 (imports every URL's module: the views, the API)
    for code, _name in settings.LANGUAGES:  # the catalogues, read on a language's first use
        with translation.override(code):
            translation.gettext("")
    gc.collect()
    gc.freeze()
    threshold = settings.GC_THRESHOLD
    if threshold:
        gc.set_threshold(*threshold)

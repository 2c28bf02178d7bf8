from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """The old overview's address: the workbench (workbench app) is everyone's home page now,
    at "/"; links that still name reports:home arrive there."""
    return redirect("/")

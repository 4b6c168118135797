from django.shortcuts import render

from portal import selectors


def home(request):
    return render(request, "portal/home.html", {"stats": selectors.home_stats()})

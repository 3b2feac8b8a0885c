from django.http import Http404


def list_view(request, module, slug):
    raise Http404


create_view = detail_view = edit_view = action_view = list_view

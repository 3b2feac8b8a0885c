import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
_django = get_wsgi_application()


def application(environ, start_response):
    """Django's application; a `Connection: close` the application set (after a 413 whose body stays unread) is
    handed to the server, which owns that hop-by-hop header: gunicorn is told to close the connection (and says
    so in its own header), and the header is never passed through, which WSGI forbids."""

    def start(status, headers, exc_info=None):
        kept = [(name, value) for name, value in headers if name.lower() != "connection"]
        if len(kept) < len(headers):
            force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
            if force_close is not None:
                force_close()
        return start_response(status, kept, exc_info)

    return _django(environ, start)

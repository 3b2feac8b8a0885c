"""Content-Security-Policy on HTML pages (not on API JSON): the policy of settings.CONTENT_SECURITY_POLICY, or of
the longest matching prefix in settings.CONTENT_SECURITY_POLICY_BY_PATH."""

from __future__ import annotations

from django.conf import settings


def policy_for(path: str) -> str:
    prefixes = [p for p in settings.CONTENT_SECURITY_POLICY_BY_PATH if path.startswith(p)]
    return (
        settings.CONTENT_SECURITY_POLICY_BY_PATH[max(prefixes, key=len)]
        if prefixes
        else settings.CONTENT_SECURITY_POLICY
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_for(request.path)
        return response

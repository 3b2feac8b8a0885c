"""Every write of the identity app, by use case: `auth` (sign-in, tokens, lockout), `accounts` (sign-up,
invitations, password reset, e-mail verification), `roles` (RBAC), `api_tokens`."""

"""Accounts for the web app and the API: users with one role in one organisation, passwords, API tokens."""

from sharelog.accounts._events import (
    ApiTokenCreated,
    ApiTokenRevoked,
    PasswordChanged,
    UserAdded,
    UserDisabled,
    UserSignedIn,
)
from sharelog.accounts._roles import ROLE_INFO, ROLES, RoleInfo, role_info
from sharelog.accounts._throttle import SignInThrottle
from sharelog.accounts._users import (
    MIN_PASSWORD_LENGTH,
    TOKEN_PREFIX,
    IssuedToken,
    add_user,
    authenticate,
    create_api_token,
    disable_user,
    find_user,
    list_users,
    record_sign_in,
    revoke_api_token,
    set_password,
    user_for_token,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "ROLE_INFO",
    "TOKEN_PREFIX",
    "ApiTokenCreated",
    "ApiTokenRevoked",
    "IssuedToken",
    "PasswordChanged",
    "RoleInfo",
    "SignInThrottle",
    "UserAdded",
    "UserDisabled",
    "UserSignedIn",
    "add_user",
    "authenticate",
    "create_api_token",
    "disable_user",
    "find_user",
    "list_users",
    "record_sign_in",
    "revoke_api_token",
    "role_info",
    "set_password",
    "user_for_token",
]

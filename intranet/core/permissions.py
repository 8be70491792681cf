def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.roles & set(roles))


def can_view_audit_log(user) -> bool:
    return has_role(user, "admin", "steering")


def can_view_steering(user) -> bool:
    return has_role(user, "admin", "steering", "service")

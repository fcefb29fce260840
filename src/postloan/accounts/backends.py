"""Authentication by the normalised user name (postloan.accounts.usernames)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from postloan.accounts.usernames import find_user


class NormalizedUsernameBackend(ModelBackend):
    """Django's ModelBackend, but ` Member`, `MEMBER` and `ｍｅｍｂｅｒ` all mean `member`."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            User().set_password(password)  # the same work as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

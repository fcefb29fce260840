"""The users and role groups in the maintenance pages, audited like every other admin.

Django registers its own UserAdmin and GroupAdmin; they are replaced here by subclasses of
`AuditedAdmin`, so a user's role groups (many-to-many) or a group's permissions changed in the
admin leave an audit row with before and after. An account an administrator creates, or whose
password an administrator sets, must change its password at the next login.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from postloan.accounts.passwords import require_password_change
from postloan.accounts.usernames import username_problem
from postloan.core.admin_audit import AuditedAdmin

User = get_user_model()


class _UsernameCheck:
    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        problem = username_problem(username, exclude_pk=self.instance.pk)
        if problem:
            raise ValidationError(problem)
        return username


class UserCreationForm(_UsernameCheck, AdminUserCreationForm):
    pass


class UserEditForm(_UsernameCheck, UserChangeForm):
    pass


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            require_password_change(obj, acting_user=request.user, reason="系统管理员创建账号")

    def user_change_password(self, request, id, form_url=""):
        request._postloan_admin_action = "admin.set_password"
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            user = User._default_manager.filter(pk=id).first()
            set_for_another = user is not None and user.pk != request.user.pk
            if request.method == "POST" and response.status_code == 302 and set_for_another:
                require_password_change(user, acting_user=request.user, reason="系统管理员设置密码")
        return response


@admin.register(Group)
class GroupAdmin(AuditedAdmin, DjangoGroupAdmin):
    pass

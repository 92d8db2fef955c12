from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xxgk.web.core"
    label = "core"
    verbose_name = "账户与审计"

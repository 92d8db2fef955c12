from django.apps import AppConfig


class SuperviseConfig(AppConfig):
    name = "xxgk.web.supervise"
    label = "supervise"
    verbose_name = "年报监督"

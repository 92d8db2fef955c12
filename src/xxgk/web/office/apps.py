from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "xxgk.web.office"
    label = "office"
    verbose_name = "政府信息公开工作机构"
    default_auto_field = "django.db.models.BigAutoField"

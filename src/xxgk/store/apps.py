from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "xxgk.store"
    label = "store"
    verbose_name = "年报库"
    default_auto_field = "django.db.models.BigAutoField"

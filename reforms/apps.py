from django.apps import AppConfig


class ReformsConfig(AppConfig):
    name = "reforms"

from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "grievances"

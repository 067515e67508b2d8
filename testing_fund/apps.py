from django.apps import AppConfig


class TestingFundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "testing_fund"

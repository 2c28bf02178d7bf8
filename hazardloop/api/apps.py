from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hazardloop.api"
    label = "api"

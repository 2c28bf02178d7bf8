from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hazardloop.demo"
    label = "demo"
    verbose_name = "Demo province"

"""Make an API token for a user and print it once: `manage.py create_api_token <username>`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parks.structure import services
from parks.structure.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it; it is stored hashed, never shown again."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_DEFAULT_DAYS,
            help="How many days the token stays valid (default %(default)s).",
        )

    def handle(self, *args, username, days, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        try:
            # The command line is the administrator's own hand: the user acts for themselves.
            token, key = services.api_token_create(owner=user, actor=user, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(key)
        expires = timezone.localtime(token.expiry)
        self.stderr.write(f"Token for {user.username} expires {expires:%Y-%m-%d %H:%M %Z}.")

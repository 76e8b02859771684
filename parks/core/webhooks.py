"""Which hosts the portal posts notices to: a webhook is an address the office types, and the
worker POSTs to it from inside the network, so only the hosts named in NOTICES_WECOM_HOSTS are
taken (WeCom's own by default) — never an internal service the office happened to name."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def webhook_host_allowed(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    allowed = {host.lower() for host in settings.NOTICES_WECOM_HOSTS}
    return parts.scheme in ("http", "https") and (parts.hostname or "") in allowed


def webhook_refusal(url: str) -> str | None:
    """Why a webhook is refused (for the form and the deliveries page alike), or None."""
    if webhook_host_allowed(url):
        return None
    return _("Notices are posted only to WeCom's robots (%(hosts)s).") % {
        "hosts": ", ".join(settings.NOTICES_WECOM_HOSTS)
    }

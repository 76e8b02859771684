"""The channels a delivery leaves by: e-mail (Django's mail), a WeCom (企业微信) group robot and
an SMS gateway over HTTP. Each sender takes a Delivery and either returns (sent) or raises:
`TransientFailure` (timeouts, refused connections, 5xx: worth another try) or
`PermanentFailure` (a malformed phone, a rejected request: trying again cannot help).
"""

import http.client
import json
import logging
import re
import smtplib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from parks.core.webhooks import webhook_refusal
from parks.notices.choices import DeliveryChannel
from parks.notices.models import Delivery

logger = logging.getLogger(__name__)

# Mainland China mobile numbers: 11 digits, 1, then 3-9 (a +86 or 86 prefix is allowed).
MAINLAND_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
# WeCom answers errcode 45009 when a robot posts more than 20 messages a minute: wait and retry.
WECOM_RATE_LIMITED = 45009
WECOM_MAX_CHARACTERS = 680
ERROR_MAX_LENGTH = 500


class DeliveryFailure(Exception):
    """A delivery did not go out; the message is what the office reads."""


class TransientFailure(DeliveryFailure):
    """Worth trying again later."""


class PermanentFailure(DeliveryFailure):
    """Trying again cannot help."""


def mainland_mobile(phone: str) -> str | None:
    """The 11-digit mainland mobile number in `phone` (spaces and dashes ignored), or None."""
    match = MAINLAND_MOBILE.match(re.sub(r"[\s-]", "", phone or ""))
    return match.group(1) if match else None


def _short(text: str) -> str:
    return text if len(text) <= ERROR_MAX_LENGTH else text[: ERROR_MAX_LENGTH - 1] + "…"


def post_json(url: str, payload: dict, *, headers: dict | None = None) -> tuple[int, bytes]:
    """POST `payload` as JSON; the status and body. Connecting and each read have their own
    timeout (NOTICES_HTTP_CONNECT_TIMEOUT, NOTICES_HTTP_READ_TIMEOUT); a timeout, a refused
    or dropped connection and a 5xx or 429 answer are transient failures."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PermanentFailure(_("Not an http(s) address."))
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(
        parts.hostname, parts.port, timeout=settings.NOTICES_HTTP_CONNECT_TIMEOUT
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        connection.connect()
        connection.sock.settimeout(settings.NOTICES_HTTP_READ_TIMEOUT)
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )
        response = connection.getresponse()
        answer = response.read(64 * 1024)
    except TimeoutError as error:
        raise TransientFailure(_("No answer in time (%(error)s).") % {"error": error}) from error
    except (OSError, http.client.HTTPException) as error:
        raise TransientFailure(
            _("Could not connect: %(error)s") % {"error": error or type(error).__name__}
        ) from error
    finally:
        connection.close()
    status = response.status
    if status >= 500 or status == 429:
        raise TransientFailure(_("The server answered HTTP %(status)d.") % {"status": status})
    if status >= 400:
        # The body is logged, not kept: the deliveries page would show whatever the host sent.
        logger.warning(
            "%s refused a notice: HTTP %d %s", urlsplit(url).hostname, status, answer[:500]
        )
        raise PermanentFailure(_("The server refused it: HTTP %(status)d.") % {"status": status})
    return status, answer


def _json(answer: bytes) -> dict:
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def send_email(delivery: Delivery) -> None:
    """By Django's mail (EMAIL_BACKEND, EMAIL_HOST…, EMAIL_TIMEOUT)."""
    # One line: a title typed with a line break would make Django refuse the header for good.
    subject = " ".join(delivery.subject.split())
    message = EmailMessage(subject=subject, body=delivery.message, to=[delivery.address])
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        raise PermanentFailure(
            _("The mail server refused it: %(error)s") % {"error": error}
        ) from error
    except smtplib.SMTPResponseException as error:
        failure = PermanentFailure if 500 <= error.smtp_code < 600 else TransientFailure
        raise failure(_("The mail server answered %(error)s") % {"error": error}) from error
    except (OSError, smtplib.SMTPException) as error:  # OSError: refused, timed out
        raise TransientFailure(
            _("Could not reach the mail server: %(error)s")
            % {"error": error or type(error).__name__}
        ) from error


def send_wecom(delivery: Delivery) -> None:
    """POST a text message to the group robot. WeCom answers HTTP 200 with `{"errcode": 0}`
    when it posted; any other errcode is a refusal (a wrong key…), except rate limiting."""
    if refusal := webhook_refusal(delivery.address):  # set in the admin, or before the rule
        raise PermanentFailure(refusal)
    # A text message may be at most 2048 bytes of UTF-8: 680 Chinese characters fit.
    content = f"{delivery.subject}\n{delivery.message}".strip()[:WECOM_MAX_CHARACTERS]
    _status, answer = post_json(delivery.address, {"msgtype": "text", "text": {"content": content}})
    reply = _json(answer)
    errcode = reply.get("errcode")
    if errcode == 0:
        return
    detail = _("WeCom answered errcode %(code)s: %(message)s") % {
        "code": errcode,
        # WeCom's own errmsg; an answer that is not WeCom's JSON is not copied to the page.
        "message": _short(str(reply.get("errmsg", ""))),
    }
    raise (TransientFailure if errcode == WECOM_RATE_LIMITED else PermanentFailure)(detail)


def send_sms(delivery: Delivery) -> None:
    """POST to the SMS gateway (SMS_GATEWAY_URL) as JSON: `mobile`, `template`
    (SMS_GATEWAY_TEMPLATE), `sign` (SMS_GATEWAY_SIGN) and `content`, with the key
    (SMS_GATEWAY_KEY) as a bearer token. A 2xx answer is success unless its JSON carries a
    non-zero `code` or `errcode`."""
    phone = mainland_mobile(delivery.address)
    if phone is None:
        raise PermanentFailure(
            # Not the number itself: the deliveries page shows this, and a worker's phone is
            # shown unmasked only on request, logged.
            _("Not a mainland mobile number (11 digits starting 13–19).")
        )
    if not settings.SMS_GATEWAY_URL:
        raise PermanentFailure(_("No SMS gateway is configured (SMS_GATEWAY_URL)."))
    headers = {}
    if settings.SMS_GATEWAY_KEY:
        headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_KEY}"
    _status, answer = post_json(
        settings.SMS_GATEWAY_URL,
        {
            "mobile": phone,
            "template": settings.SMS_GATEWAY_TEMPLATE,
            "sign": settings.SMS_GATEWAY_SIGN,
            "content": delivery.message,
        },
        headers=headers,
    )
    reply = _json(answer)
    code = reply.get("code", reply.get("errcode", 0))
    if code not in (0, "0", "OK", "ok", None):
        raise PermanentFailure(
            _("The SMS gateway refused it: %(code)s %(message)s")
            % {"code": code, "message": _short(str(reply.get("message", reply.get("errmsg", ""))))}
        )


SENDERS: dict[str, Callable[[Delivery], None]] = {
    DeliveryChannel.EMAIL: send_email,
    DeliveryChannel.WECOM: send_wecom,
    DeliveryChannel.SMS: send_sms,
}

"""Masking a person's phone number wherever it is shown to someone who did not ask to see it:
a complainant's on a grievance, a worker's on the office's deliveries page."""


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; shorter numbers keep only their last two digits.

    (3 + 4 visible characters of an 8-digit landline would give away all but one digit.)
    """
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:]

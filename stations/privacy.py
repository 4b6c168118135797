"""Personal data as most people may see it (PIPL): phone numbers masked as 138****1234."""


def mask_phone(phone: str) -> str:
    """``13812341234`` → ``138****1234``; anything too short to mask safely → ``****``."""
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"

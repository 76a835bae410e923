"""What all our forms share."""


def form_errors(form) -> str:
    """Every message of a form in one line, for a flash or a JSON answer after a failed submit."""
    return "；".join(str(e) for errors in form.errors.values() for e in errors)

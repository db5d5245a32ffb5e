"""Demo hint for messages: where the messages of the demo go."""


def seed(*, forums, options, stdout) -> None:
    """Say where delivered messages can be read in development (nothing to load)."""
    stdout.write(
        "Messages are delivered by the Celery worker: SMS appear in its console (SMS_BACKEND=file writes them"
        " under var/sms/), emails in the console."
    )

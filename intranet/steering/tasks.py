from celery import shared_task


@shared_task
def store_daily_figures() -> int:
    """Nightly (beat): yesterday's activity, and any day of the last two years not counted."""
    from .services import daily_figures_catch_up

    return daily_figures_catch_up()


@shared_task
def count_steering_figures() -> int:
    """Hourly (beat), and when steering asks: the dashboard's figures per network and city."""
    from .services import steering_figures_count

    return steering_figures_count()

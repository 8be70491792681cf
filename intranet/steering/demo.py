"""Demo: the nightly activity counts of the last two years and the dashboard's figures, so
the dashboard is filled right after ``seed_demo`` instead of after the first night."""

from .models import DailyFigure
from .services import daily_figures_catch_up, steering_figures_count


def seed_steering() -> int:
    steering_figures_count()
    if DailyFigure.objects.exists():
        return 0
    return daily_figures_catch_up()

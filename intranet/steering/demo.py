"""Demo: the nightly activity counts of the last two years, so the dashboard's chart is
filled right after ``seed_demo`` instead of after the first night."""

from .models import DailyFigure
from .services import daily_figures_catch_up


def seed_steering() -> int:
    if DailyFigure.objects.exists():
        return 0
    return daily_figures_catch_up()

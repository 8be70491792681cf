import pytest

from networks.models import Visibility
from networks.services import network_found


@pytest.fixture
def make_network(coordinator):
    """``make_network(visibility, founder=coordinator, **fields)``: a network with a lead."""

    def make(visibility=Visibility.OPEN, founder=None, **fields):
        fields.setdefault("name", f"Netzwerk {visibility}")
        fields.setdefault("mandate", "Wie halten wir Starkregen in der Stadt?")
        return network_found(founder=founder or coordinator, visibility=visibility, **fields)

    return make

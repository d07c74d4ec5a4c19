"""Practices of the personas' states: Nigeria's (SMEDAN) and Türkiye's (KOSGEB)."""

import pytest

from knowledge.models import BestPractice, Pillar
from tests.factories import BestPracticeFactory

Status = BestPractice.Status


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def nigerian_practice(nigeria, smedan):
    return BestPracticeFactory(
        state=nigeria,
        body=smedan,
        title="Micro-finance for SMEs",
        pillar=Pillar.ACCESS_TO_FINANCE,
        description="Micro-finance banks lend to small enterprises registered with SMEDAN.",
    )


@pytest.fixture
def nigerian_draft(nigeria, smedan):
    return BestPracticeFactory(
        state=nigeria,
        body=smedan,
        title="Recycling of waste by small enterprises",
        pillar=Pillar.GREEN_TRANSITION,
        status=Status.DRAFT,
    )


@pytest.fixture
def turkish_practice(turkiye, kosgeb):
    return BestPracticeFactory(
        state=turkiye,
        body=kosgeb,
        title="SME financing model",
        pillar=Pillar.ACCESS_TO_FINANCE,
        description="Interest support on SME loans through partner banks.",
    )


@pytest.fixture
def unpublished_turkish(turkiye, kosgeb):
    """One Turkish practice in each status that only Türkiye and the Secretariat may read."""
    return {
        status: BestPracticeFactory(
            state=turkiye, body=kosgeb, title=f"Turkish {status} practice", status=status
        )
        for status in [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ARCHIVED]
    }

"""expectations/_suite.py: the process-wide Great Expectations runner."""

from __future__ import annotations

import pytest

from expectations._suite import runner
from tasks.validate import validate_batch
from tests.support.validation_examples import report_2019, report_2021

pytestmark = pytest.mark.usefixtures("gx")


def test_validating_batch_after_batch_keeps_no_results_in_the_context() -> None:
    """GX adds every suite run's result to the context's store, which the ephemeral context
    holds in memory for good: a worker validating for days grew by every batch."""
    for report in (report_2021(), report_2019(), report_2021()):
        result = validate_batch([report])
        assert result.verdicts  # the results themselves still come back with the run

    assert runner().context.validation_results_store.list_keys() == []

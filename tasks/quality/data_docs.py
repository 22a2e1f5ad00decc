"""Great Expectations' own Data Docs, built only when ``GOVREPORTS_DATA_DOCS`` is on.

The maintainers' pages are the quality site (``tasks/quality/site.py``); why the Data Docs are
no longer linked from it: docs/adr/0005-quality-site.md.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def build_data_docs(result_dir: Path, results: Mapping[str, Any]) -> Path:
    """Write the GX Data Docs site of ``results`` (one run's, per suite) into ``result_dir``.

    The results come with the run (``ValidationResult.gx_results``), never from the
    runner's latest: with several runs in one worker, that may be another run's.
    A file-backed context in ``result_dir`` receives the suites and these results,
    then builds the site.
    Returns the path of the site's ``index.html``.
    """
    import great_expectations as gx
    from great_expectations.core.batch import LegacyBatchDefinition
    from great_expectations.core.id_dict import IDDict
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    from expectations._suite import runner

    result_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(result_dir))
    for name, result in results.items():
        suite = runner().context.suites.get(name)
        if name not in {s.name for s in context.suites.all()}:
            context.suites.add(
                gx.ExpectationSuite(
                    name=name, expectations=[copy.copy(e) for e in suite.expectations]
                )
            )
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
            run_id=result.meta.get("run_id"),
            batch_identifier=LegacyBatchDefinition(
                datasource_name="govreports",
                data_connector_name="fluent",
                data_asset_name=name,
                batch_identifiers=IDDict({}),
            ).id,
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs()
    return result_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"

"""The one typed settings object. Read from the environment (``GOVREPORTS_*``) and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVREPORTS_", env_file=".env", extra="ignore")

    # Object store. Unset endpoint = AWS; credentials come from the standard AWS chain
    # unless given here (the embedded default sets dummy ones for its local server).
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    aws_access_key_id: SecretStr | None = None
    aws_secret_access_key: SecretStr | None = None
    bucket: str = "govreports"
    raw_prefix: str = "raw/"
    curated_prefix: str = "curated/"
    quarantine_prefix: str = "quarantine/"
    quality_prefix: str = "quality/"
    state_prefix: str = "state/"

    # Triggering.
    source: Literal["poll", "sqs"] = "poll"
    sqs_queue_url: str | None = None
    poll_interval_seconds: float = 1.0
    batch_window_seconds: float = 2.0
    # 800, not 1,000: the task worker's peak holds one run's frames beside the other run's
    # documents; 10,000-object bursts ran as fast with 800 (58.4-64.3/s against 59.1-63.5/s)
    # and the worker peaked at 977-990 MiB against 1043-1076 (docs/adr/0017-bursts.md).
    max_batch_objects: int = 800
    # ... and at most this many bytes of objects (one larger object goes alone): a run's
    # fetched bytes stay in the worker's memory until parsed, and 800 scanned PDFs of a few
    # MB each would make one run of gigabytes. 800 generated text reports are ~16 MB.
    max_batch_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    # A batch starting within batch_window_seconds of the last launch (a burst going on)
    # collects this long (or up to max_batch_objects) before its run starts (flows/watcher.py).
    burst_window_seconds: float = Field(default=10.0, ge=0)
    ingest_deployment: str = "ingest/ingest"
    # How the watcher and reconcile start ingestion: ``task`` creates runs of the ``ingest_batch``
    # background task for Prefect task workers (``govreports task-worker``); ``deployment``
    # creates flow runs of ``ingest_deployment`` for the warm worker (``govreports worker``) or
    # any Prefect worker (docs/adr/0016-task-workers.md).
    ingest_via: Literal["task", "deployment"] = "task"
    # Background task runs one task worker process runs at once.
    task_worker_limit: int = Field(default=2, ge=1)
    # Of the runs one process runs at once, those in validate -> publish -> quality report at
    # once (flows/ingest.py): the stages holding a batch's frames and Arrow tables. Another
    # run fetches and parses beside them; the process's publishes no longer race each other
    # (docs/adr/0017-bursts.md, "Memory": task worker 1.05-1.08 GB at 10,000, 1.11 with 2).
    heavy_stage_runs: int = Field(default=1, ge=1)

    # Input limits: larger objects are quarantined without being read whole.
    max_object_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    # Budgets for reading and parsing one document, enforced on a warm worker process
    # (tasks/isolation.py): over either, the document is quarantined and the batch goes on.
    parse_seconds: float = Field(default=30.0, gt=0)
    parse_memory_mb: int = Field(default=512, ge=64)
    parse_isolated: bool = True
    # The parse children's niceness (os.nice): parsing is throughput work and can yield the
    # CPU to the run in validate -> publish, to the stores' round trips and to Prefect. 10
    # shortened a 10,000 burst's validate + publish by 18%, but its task worker peaked ~30 MiB
    # higher (953-1025 MiB against 902-1004), over 1 GiB once; the burst rate was the same
    # within the noise. So 0 (level) by default. Never a PDF's child when OCR is on (OCR's
    # own limit is wall time). The time budget does not charge a child the time it waited for
    # a CPU (tasks/isolation.py). Figures: docs/adr/0017-bursts.md, "2026-12-07 (later)".
    parse_niceness: int = Field(default=0, ge=0, le=19)
    # Documents of a batch parsed at once in the flow's process, each in its own warm child
    # (tasks/parse.py); None = one per core. Dask chunks parse one at a time per worker.
    parse_workers: int | None = Field(default=None, ge=1)
    # A run that raises leaves its objects to be redone; an object failing alone this many
    # times (across runs) is quarantined as ``poison`` instead (tasks/attempts.py).
    poison_after_attempts: int = Field(default=3, ge=1)

    # Scale-out (prefect-dask). A batch of at least ``dask_min_objects`` objects is fetched,
    # parsed and validated in chunks of ``dask_chunk_objects`` over Dask: on the scheduler at
    # ``dask_address`` (e.g. tcp://govreports-dask-scheduler:8786) when set, else on a
    # LocalCluster of ``dask_workers`` single-threaded worker processes started for the run.
    # Smaller batches stay in the flow's process: no cluster start-up on the latency path.
    dask_address: str | None = None
    # 2000, above max_batch_objects: on one machine a LocalCluster per run cost ~100 s and
    # 3 GB per 1000-object burst batch while in-process parsing already uses every core
    # (parse_workers; ADR 0017). A cluster deployment sets it low (infra/k8s: 200).
    dask_min_objects: int = Field(default=2000, ge=1)
    dask_chunk_objects: int = Field(default=25, ge=1)
    # Validation chunks are larger: a suite run has a fixed cost of ~0.5-2 s whatever its size
    # (200 reports validate in ~0.75 s warm), so many small chunks would multiply it.
    dask_validate_objects: int = Field(default=200, ge=1)
    dask_workers: int | None = Field(default=None, ge=1)  # None = one per core
    # Per-worker memory cap (bytes or "3GiB"): past 95% the nanny restarts the worker.
    dask_worker_memory: str = "3GiB"

    # OCR of scanned PDF pages (local rapidocr-onnxruntime models; nothing leaves the machine).
    # Off: a PDF made only of page images is quarantined as "scanned: no text layer".
    ocr_enabled: bool = True
    # Per document: pages past the first ocr_max_pages, or after ocr_max_seconds of OCR, stay
    # unread (noted), so a 500-page scan cannot stall a batch (~1-10 s a page on one core).
    # 25 s: with parse_seconds a PDF's whole budget stays under a minute (ADR 0014).
    ocr_max_pages: int = Field(default=30, ge=0)
    ocr_max_seconds: float = Field(default=25.0, gt=0)
    # Added to a PDF's parse budget (parse_seconds, parse_memory_mb) when OCR is on: the OCR
    # engine and one 150 dpi page peaked at 918 MiB RSS in all (ocr_bench), so 512 + 512 MB
    # holds it and keeps one document's child under 1 GiB.
    ocr_memory_mb: int = Field(default=512, ge=0)
    ocr_dpi: int = Field(default=150, ge=72, le=600)
    # onnxruntime threads per OCR call; 0 = its default (every core).
    ocr_threads: int = Field(default=0, ge=0)

    # Publishing.
    commit_retries: int = 8
    # Also build GX's own Data Docs under quality/data-docs/ (they load CSS/JS from CDNs and
    # cannot name the report of a failure: off, and not linked; docs/adr/0005-quality-site.md).
    data_docs: bool = False

    # Table maintenance (flows/maintenance.py): compaction target, and how long files no
    # longer in the table stay readable (time travel, slow readers) before vacuum deletes them.
    maintenance_target_file_mb: int = Field(default=128, ge=1)
    maintenance_retention_hours: int = Field(default=168, ge=0)
    # A publish compacts the year partitions it wrote to once one holds this many files
    # smaller than the target (0: never; only the scheduled flow compacts). Each run adds a
    # file per partition and table, and every later read and commit of that partition opens
    # them all: during a 10,000-object burst the hourly flow comes too late
    # (docs/adr/0017-bursts.md).
    compact_min_files: int = Field(default=8, ge=0)

    # Severity policy: which rule ids quarantine, fail or only warn (report-formats.md §4).
    critical_rules: tuple[str, ...] = ("C1", "C2", "C3", "C4")
    consistency_rules: tuple[str, ...] = (
        "R1",
        "R2",
        "R3",
        "R4",
        "R5",
        "R6",
        "R7",
        "P1",
        "P2",
        "P3",
        "P5",
        "P6",
        "P7",
        "P8",
        "P10",
        # Completeness: a table with cells the parser could not read never reaches `clean`.
        "R17",
    )

    # Rules a maintainer's `review accept` cannot overrule: a report failing them stays out of
    # `clean` (an incomplete report is corrected cell by cell, not accepted).
    unacceptable_rules: tuple[str, ...] = ("R17",)

    def storage_options(self) -> dict[str, str]:
        """delta-rs storage options for the same endpoint and credentials as boto3."""
        opts: dict[str, str] = {"AWS_REGION": self.s3_region}
        if self.s3_endpoint_url:
            opts["AWS_ENDPOINT_URL"] = self.s3_endpoint_url
            opts["AWS_ALLOW_HTTP"] = "true"
            # Stores without DynamoDB locking: rely on conditional PUT (If-None-Match / etag).
            opts["conditional_put"] = "etag"
            opts["AWS_S3_ALLOW_UNSAFE_RENAME"] = "true"
            # No instance role behind a custom endpoint: never probe 169.254.169.254 (delta-rs
            # reads this for its AWS SDK chain; tasks.store.delta_storage_options adds the keys).
            opts["AWS_EC2_METADATA_DISABLED"] = "true"
        if self.aws_access_key_id and self.aws_secret_access_key:
            opts["AWS_ACCESS_KEY_ID"] = self.aws_access_key_id.get_secret_value()
            opts["AWS_SECRET_ACCESS_KEY"] = self.aws_secret_access_key.get_secret_value()
        return opts

    @property
    def compaction_target_bytes(self) -> int:
        """The file size compaction packs small files up to (scheduled flow and publishes)."""
        return self.maintenance_target_file_mb * 2**20

    def table_uri(self, table: str) -> str:
        return f"s3://{self.bucket}/{self.curated_prefix}{table}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
